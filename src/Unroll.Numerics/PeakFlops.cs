// Glossary: peak float32 FMA rate, the yardstick for GEMM timings.
//   chain   one accumulator updated by acc = acc · x + y; its FMAs depend on each other
//   Chains  independent chains per loop, enough to cover FMA latency × FMA ports (4 cycles × 2 ports on recent cores)
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
/// accelerated vector (Vector512, else Vector256, else Vector128, else scalar).
/// </summary>
/// <remarks>Compare GEMM timings with it: 2·M·N·K flops per product over the elapsed time.</remarks>
public static class PeakFlops
{
    private const int Chains = 12;
    private const long IterationsPerCheck = 1 << 16;

    /// <summary>The vector width <see cref="Measure"/> uses on this machine, in bits.</summary>
    public static int VectorBits =>
        Vector512.IsHardwareAccelerated ? 512 :
        Vector256.IsHardwareAccelerated && FmaX86.IsSupported ? 256 :
        Vector128.IsHardwareAccelerated ? 128 : 32;

    /// <summary>Measures one thread, then all processors at once, each for about <paramref name="duration"/>.</summary>
    /// <param name="duration">How long each measurement runs; 200 ms when null.</param>
    public static PeakFlopsResult Measure(TimeSpan? duration = null)
    {
        TimeSpan time = duration ?? TimeSpan.FromMilliseconds(200);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(time, TimeSpan.Zero, nameof(duration));
        Run(TimeSpan.FromMilliseconds(10));   // warm up: compile the loop at full optimisation
        double single = Run(time);
        int threads = Environment.ProcessorCount;
        var rates = new double[threads];
        System.Threading.Tasks.Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads },
            t => rates[t] = Run(time));
        return new PeakFlopsResult(single, rates.Sum(), threads, VectorBits);
    }

    /// <summary>Runs the chains on this thread for about <paramref name="time"/>; returns GFLOP/s.</summary>
    private static double Run(TimeSpan time)
    {
        long iterations = 0;
        float sink = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < time)
        {
            sink += VectorBits switch
            {
                512 => Chains512(IterationsPerCheck),
                256 => Chains256(IterationsPerCheck),
                128 => Chains128(IterationsPerCheck),
                _ => ChainsScalar(IterationsPerCheck),
            };
            iterations += IterationsPerCheck;
        }
        double seconds = clock.Elapsed.TotalSeconds;
        GC.KeepAlive(sink);
        int lanes = VectorBits / 32;
        return iterations * Chains * lanes * 2.0 / seconds / 1e9;
    }

    // acc = acc · 0.999 + 0.001 stays near 1: no overflow, no denormals, nothing for the JIT to fold away.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Chains512(long iterations)
    {
        Vector512<float> x = Vector512.Create(0.999f), y = Vector512.Create(0.001f);
        Vector512<float> a0 = Vector512.Create(1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
        Vector512<float> a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (long i = 0; i < iterations; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, x, y); a1 = Vector512.FusedMultiplyAdd(a1, x, y);
            a2 = Vector512.FusedMultiplyAdd(a2, x, y); a3 = Vector512.FusedMultiplyAdd(a3, x, y);
            a4 = Vector512.FusedMultiplyAdd(a4, x, y); a5 = Vector512.FusedMultiplyAdd(a5, x, y);
            a6 = Vector512.FusedMultiplyAdd(a6, x, y); a7 = Vector512.FusedMultiplyAdd(a7, x, y);
            a8 = Vector512.FusedMultiplyAdd(a8, x, y); a9 = Vector512.FusedMultiplyAdd(a9, x, y);
            a10 = Vector512.FusedMultiplyAdd(a10, x, y); a11 = Vector512.FusedMultiplyAdd(a11, x, y);
        }
        return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Chains256(long iterations)
    {
        Vector256<float> x = Vector256.Create(0.999f), y = Vector256.Create(0.001f);
        Vector256<float> a0 = Vector256.Create(1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
        Vector256<float> a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (long i = 0; i < iterations; i++)
        {
            a0 = Vector256.FusedMultiplyAdd(a0, x, y); a1 = Vector256.FusedMultiplyAdd(a1, x, y);
            a2 = Vector256.FusedMultiplyAdd(a2, x, y); a3 = Vector256.FusedMultiplyAdd(a3, x, y);
            a4 = Vector256.FusedMultiplyAdd(a4, x, y); a5 = Vector256.FusedMultiplyAdd(a5, x, y);
            a6 = Vector256.FusedMultiplyAdd(a6, x, y); a7 = Vector256.FusedMultiplyAdd(a7, x, y);
            a8 = Vector256.FusedMultiplyAdd(a8, x, y); a9 = Vector256.FusedMultiplyAdd(a9, x, y);
            a10 = Vector256.FusedMultiplyAdd(a10, x, y); a11 = Vector256.FusedMultiplyAdd(a11, x, y);
        }
        return Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Chains128(long iterations)
    {
        // Vector128 is the widest on Arm64, where FusedMultiplyAdd is a single instruction.
        Vector128<float> x = Vector128.Create(0.999f), y = Vector128.Create(0.001f);
        Vector128<float> a0 = Vector128.Create(1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
        Vector128<float> a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (long i = 0; i < iterations; i++)
        {
            a0 = Vector128.FusedMultiplyAdd(a0, x, y); a1 = Vector128.FusedMultiplyAdd(a1, x, y);
            a2 = Vector128.FusedMultiplyAdd(a2, x, y); a3 = Vector128.FusedMultiplyAdd(a3, x, y);
            a4 = Vector128.FusedMultiplyAdd(a4, x, y); a5 = Vector128.FusedMultiplyAdd(a5, x, y);
            a6 = Vector128.FusedMultiplyAdd(a6, x, y); a7 = Vector128.FusedMultiplyAdd(a7, x, y);
            a8 = Vector128.FusedMultiplyAdd(a8, x, y); a9 = Vector128.FusedMultiplyAdd(a9, x, y);
            a10 = Vector128.FusedMultiplyAdd(a10, x, y); a11 = Vector128.FusedMultiplyAdd(a11, x, y);
        }
        return Vector128.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float ChainsScalar(long iterations)
    {
        float x = 0.999f, y = 0.001f;
        float a0 = 1f, a1 = 1f, a2 = 1f, a3 = 1f, a4 = 1f, a5 = 1f, a6 = 1f, a7 = 1f, a8 = 1f, a9 = 1f, a10 = 1f, a11 = 1f;
        for (long i = 0; i < iterations; i++)
        {
            a0 = a0 * x + y; a1 = a1 * x + y; a2 = a2 * x + y; a3 = a3 * x + y;
            a4 = a4 * x + y; a5 = a5 * x + y; a6 = a6 * x + y; a7 = a7 * x + y;
            a8 = a8 * x + y; a9 = a9 * x + y; a10 = a10 * x + y; a11 = a11 * x + y;
        }
        return a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11;
    }
}
