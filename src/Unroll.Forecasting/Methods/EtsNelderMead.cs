namespace Unroll.Forecasting.Methods;

/// <summary>
/// The Nelder–Mead simplex search as R's <c>optim(method = "Nelder-Mead")</c> runs it (its C function <c>nmmin</c>,
/// from J. C. Nash, "Compact Numerical Methods for Computers", 2nd ed., 1990), which <c>forecast::ets</c> calls
/// directly. Kept step for step, so that from the same start it takes the same path: ets's fits often stop at the
/// evaluation limit rather than at a minimum, and then where they stop depends on the path, not only on the function.
/// </summary>
/// <remarks>
/// Start: the given point and n more, each moving one coordinate by 0.1 × the largest |coordinate| (0.1 if all are 0;
/// multiplied by 10 until the coordinate changes). Each iteration replaces the worst vertex H by the reflection
/// c + a (c − x_H) through the centroid c of the others (a = 1); when that beats the best, tries the expansion
/// c + g (reflection − c) (g = 2); when it does not beat the worst, the contraction (1 − b) x_H + b c (b = 0.5); when that
/// fails too, shrinks every vertex halfway towards the best. Stops when the values at the vertices are within
/// reltol (|f_0| + reltol) of each other, f_0 the value at the start, or after <c>maxit</c> evaluations.
/// A non-finite value counts as 1e35.
/// </remarks>
internal static class EtsNelderMead
{
    private const double Big = 1.0e35;

    /// <summary>The outcome: the best vertex, its value, evaluations used, and R's fail code (0 converged, 1 the
    /// evaluation limit, 10 a shrink that did not shrink).</summary>
    internal readonly record struct Result(double[] Point, double Value, int Evaluations, int Fail);

    /// <summary>Minimises <paramref name="f"/> from <paramref name="start"/>.</summary>
    /// <returns>Null when f is not finite at the start (R stops: "function cannot be evaluated at initial parameters").</returns>
    public static Result? Minimize(Func<double[], double> f, double[] start, double reltol = 1.4901161193847656e-08,
        double abstol = double.NegativeInfinity, double reflection = 1.0, double contraction = 0.5, double expansion = 2.0,
        int maxit = 2000)
    {
        int n = start.Length;
        double[] bvec = (double[])start.Clone();
        double fx = f(bvec);
        if (!double.IsFinite(fx)) return null;
        int funcount = 1;
        double convtol = reltol * (Math.Abs(fx) + reltol);
        int n1 = n + 1, c = n + 2;
        // p[i][j]: coordinate i (row n holds the value) of vertex j (column n + 1 holds the centroid).
        var p = new double[n1][];
        for (int i = 0; i < n1; i++) p[i] = new double[c];
        p[n1 - 1][0] = fx;
        for (int i = 0; i < n; i++) p[i][0] = bvec[i];
        int lo = 1;                       // 1-based, as in nmmin
        double size = 0, step = 0;
        for (int i = 0; i < n; i++) step = Math.Max(step, 0.1 * Math.Abs(bvec[i]));
        if (step == 0.0) step = 0.1;
        for (int j = 2; j <= n1; j++)
        {
            for (int i = 0; i < n; i++) p[i][j - 1] = bvec[i];
            double trystep = step;
            while (p[j - 2][j - 1] == bvec[j - 2])
            {
                p[j - 2][j - 1] = bvec[j - 2] + trystep;
                trystep *= 10;
            }
            size += trystep;
        }
        double oldsize = size;
        bool calcvert = true;
        int fail = 0;
        do
        {
            if (calcvert)
            {
                for (int j = 0; j < n1; j++)
                {
                    if (j + 1 == lo) continue;
                    for (int i = 0; i < n; i++) bvec[i] = p[i][j];
                    fx = f(bvec);
                    if (!double.IsFinite(fx)) fx = Big;
                    funcount++;
                    p[n1 - 1][j] = fx;
                }
                calcvert = false;
            }

            double vl = p[n1 - 1][lo - 1], vh = vl;
            int hi = lo;
            for (int j = 1; j <= n1; j++)
            {
                if (j == lo) continue;
                fx = p[n1 - 1][j - 1];
                if (fx < vl) { lo = j; vl = fx; }
                if (fx > vh) { hi = j; vh = fx; }
            }
            if (vh <= vl + convtol || vl <= abstol) break;

            for (int i = 0; i < n; i++)
            {
                double temp = -p[i][hi - 1];
                for (int j = 0; j < n1; j++) temp += p[i][j];
                p[i][c - 1] = temp / n;
            }
            for (int i = 0; i < n; i++) bvec[i] = (1.0 + reflection) * p[i][c - 1] - reflection * p[i][hi - 1];
            fx = f(bvec);
            if (!double.IsFinite(fx)) fx = Big;
            funcount++;
            double vr = fx;
            if (vr < vl)
            {
                p[n1 - 1][c - 1] = fx;
                for (int i = 0; i < n; i++)
                {
                    double e = expansion * bvec[i] + (1 - expansion) * p[i][c - 1];
                    p[i][c - 1] = bvec[i];
                    bvec[i] = e;
                }
                fx = f(bvec);
                if (!double.IsFinite(fx)) fx = Big;
                funcount++;
                if (fx < vr)
                {
                    for (int i = 0; i < n; i++) p[i][hi - 1] = bvec[i];
                    p[n1 - 1][hi - 1] = fx;
                }
                else
                {
                    for (int i = 0; i < n; i++) p[i][hi - 1] = p[i][c - 1];
                    p[n1 - 1][hi - 1] = vr;
                }
            }
            else
            {
                if (vr < vh)
                {
                    for (int i = 0; i < n; i++) p[i][hi - 1] = bvec[i];
                    p[n1 - 1][hi - 1] = vr;
                }
                for (int i = 0; i < n; i++) bvec[i] = (1 - contraction) * p[i][hi - 1] + contraction * p[i][c - 1];
                fx = f(bvec);
                if (!double.IsFinite(fx)) fx = Big;
                funcount++;
                if (fx < p[n1 - 1][hi - 1])
                {
                    for (int i = 0; i < n; i++) p[i][hi - 1] = bvec[i];
                    p[n1 - 1][hi - 1] = fx;
                }
                else if (vr >= vh)
                {
                    calcvert = true;
                    size = 0.0;
                    for (int j = 0; j < n1; j++)
                    {
                        if (j + 1 == lo) continue;
                        for (int i = 0; i < n; i++)
                        {
                            p[i][j] = contraction * (p[i][j] - p[i][lo - 1]) + p[i][lo - 1];
                            size += Math.Abs(p[i][j] - p[i][lo - 1]);
                        }
                    }
                    if (size < oldsize)
                        oldsize = size;
                    else
                    {
                        fail = 10;
                        break;
                    }
                }
            }
        } while (funcount <= maxit);

        var best = new double[n];
        for (int i = 0; i < n; i++) best[i] = p[i][lo - 1];
        if (funcount > maxit) fail = 1;
        return new Result(best, p[n1 - 1][lo - 1], funcount, fail);
    }
}
