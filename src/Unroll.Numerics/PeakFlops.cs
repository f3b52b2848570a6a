// Glossary: peak float32 FMA rate, the yardstick for GEMM timings.
//   chain   one accumulator updated by acc = acc · x + y; its FMAs depend on each other
//   ChainCount  independent chains per loop, enough to cover FMA latency × FMA ports (4 cycles × 2 ports on recent cores)
//   W       floats per vector: 16 (Vector512), 8 (Vector256), 4 (Vector128), 1 (scalar)
//   flops   2 per lane per FMA (a multiply and an add)
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using FmaX86 = System.Runtime.Intrinsics.X86.Fma;

namespace Unroll.Numerics;

/// <summary>The measured peak float32 fused multiply-add rate of this machine.</summary>
/// <param name="SingleCoreGflops">GFLOP/s of one thread (2 flops per lane per FMA).</param>
/// <param name="AllCoresGflops">GFLOP/s of <paramref name="Threads"/> threads running at once, summed.</param>
/// <param name="Threads">Threads used for <paramref name="AllCoresGflops"/>: <see cref="Environment.ProcessorCount"/>.</param>
/// <param name="VectorBits">Width of the vectors the loop used: 512, 256, 128, or 32 for scalar.</param>
public readonly record struct PeakFlopsResult(double SingleCoreGflops, double AllCoresGflops, int Threads, int VectorBits);

/// <summary>
/// Measures the peak float32 FMA rate: a loop of independent FMA chains that touches only registers, on the widest
/// accelerated vector (Vector512, else Vector256 with FMA, else Vector128, else scalar).
/// </summary>
/// <remarks>Compare GEMM timings with it: 2·M·N·K flops per product over the elapsed time.</remarks>
public static class PeakFlops
{
    private const int ChainCount = 12;
    private const long IterationsPerCheck = 1 << 16;

    /// <summary>The widths <see cref="Measure(TimeSpan?)"/> may use, in bits, widest first.</summary>
    internal static IReadOnlyList<int> Widths { get; } = [512, 256, 128, 32];

    /// <summary>The vector width <see cref="Measure(TimeSpan?)"/> uses on this machine, in bits.</summary>
    public static int VectorBits => Widths.First(IsAccelerated);

    /// <summary>Whether the chains of <paramref name="bits"/>-bit vectors run in hardware here (32: scalar, always).</summary>
    internal static bool IsAccelerated(int bits) => bits switch
    {
        512 => Vector512.IsHardwareAccelerated,
        256 => Vector256.IsHardwareAccelerated && FmaX86.IsSupported,
        128 => Vector128.IsHardwareAccelerated,
        32 => true,
        _ => false,
    };

    /// <summary>Measures one thread, then all processors at once, each for about <paramref name="duration"/>.</summary>
    /// <param name="duration">How long each measurement runs; 200 ms when null.</param>
    public static PeakFlopsResult Measure(TimeSpan? duration = null) => Measure(duration, VectorBits);

    /// <summary><see cref="Measure(TimeSpan?)"/> on <paramref name="vectorBits"/>-bit vectors, for tests: any accelerated width.</summary>
    /// <exception cref="ArgumentException">The width is not one of <see cref="Widths"/> accelerated here.</exception>
    internal static PeakFlopsResult Measure(TimeSpan? duration, int vectorBits)
    {
        TimeSpan time = duration ?? TimeSpan.FromMilliseconds(200);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(time, TimeSpan.Zero, nameof(duration));
        if (!IsAccelerated(vectorBits))
            throw new ArgumentException($"{vectorBits}-bit vectors are not accelerated on this machine; the widest is {VectorBits}", nameof(vectorBits));
        Run(TimeSpan.FromMilliseconds(10), vectorBits);   // warm up: compile the loop at full optimisation
        double single = Run(time, vectorBits);
        int threads = Environment.ProcessorCount;
        var rates = new double[threads];
        System.Threading.Tasks.Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads },
            t => rates[t] = Run(time, vectorBits));
        return new PeakFlopsResult(single, rates.Sum(), threads, vectorBits);
    }

    /// <summary>Runs the chains on this thread for about <paramref name="time"/>; returns GFLOP/s.</summary>
    private static double Run(TimeSpan time, int vectorBits)
    {
        long iterations = 0;
        float sink = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < time)
        {
            sink += vectorBits switch
            {
                512 => Chains<Vector512<float>, Simd512<float>>(IterationsPerCheck),
                256 => Chains<Vector256<float>, Simd256<float>>(IterationsPerCheck),
                128 => Chains<Vector128<float>, Simd128<float>>(IterationsPerCheck),
                _ => Chains<float, SimdScalar<float>>(IterationsPerCheck),
            };
            iterations += IterationsPerCheck;
        }
        double seconds = clock.Elapsed.TotalSeconds;
        GC.KeepAlive(sink);
        int lanes = vectorBits / 32;
        return iterations * ChainCount * lanes * 2.0 / seconds / 1e9;
    }

    /// <summary>
    /// 12 chains acc = acc · 0.999 + 0.001 at one width (fused where the width has FMA: Vector512 always, Vector256 as
    /// chosen only with FMA, Vector128 with FMA or on Arm64; the scalar width multiplies and adds). They stay near 1:
    /// no overflow, no denormals, nothing for the JIT to fold away.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Chains<TV, TOps>(long iterations)
        where TV : struct
        where TOps : struct, ISimd<float, TV>
    {
        TV x = TOps.Broadcast(0.999f), y = TOps.Broadcast(0.001f);
        TV a0 = TOps.Broadcast(1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
        TV a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (long i = 0; i < iterations; i++)
        {
            a0 = TOps.Fma(a0, x, y); a1 = TOps.Fma(a1, x, y);
            a2 = TOps.Fma(a2, x, y); a3 = TOps.Fma(a3, x, y);
            a4 = TOps.Fma(a4, x, y); a5 = TOps.Fma(a5, x, y);
            a6 = TOps.Fma(a6, x, y); a7 = TOps.Fma(a7, x, y);
            a8 = TOps.Fma(a8, x, y); a9 = TOps.Fma(a9, x, y);
            a10 = TOps.Fma(a10, x, y); a11 = TOps.Fma(a11, x, y);
        }
        var sum = new Lanes<float, TV, TOps>(a0) + new Lanes<float, TV, TOps>(a1) + new Lanes<float, TV, TOps>(a2)
            + new Lanes<float, TV, TOps>(a3) + new Lanes<float, TV, TOps>(a4) + new Lanes<float, TV, TOps>(a5)
            + new Lanes<float, TV, TOps>(a6) + new Lanes<float, TV, TOps>(a7) + new Lanes<float, TV, TOps>(a8)
            + new Lanes<float, TV, TOps>(a9) + new Lanes<float, TV, TOps>(a10) + new Lanes<float, TV, TOps>(a11);
        return TOps.Sum(sum.Value);
    }
}
