namespace Unroll.Charts;

/// <summary>Where a drawn line breaks: the unbroken runs of points that can be drawn.</summary>
internal static class Stretches
{
    /// <summary>
    /// The unbroken stretches among points 0 … <paramref name="count"/> − 1: the indices of each run of points that
    /// <paramref name="drawable"/> accepts, split wherever one is rejected (not finite, or not positive on a log axis).
    /// </summary>
    public static List<List<int>> Of(int count, Func<int, bool> drawable)
    {
        var stretches = new List<List<int>>();
        List<int>? current = null;
        for (int i = 0; i < count; i++)
        {
            if (!drawable(i))
            {
                current = null;
                continue;
            }
            if (current is null) stretches.Add(current = []);
            current.Add(i);
        }
        return stretches;
    }
}
