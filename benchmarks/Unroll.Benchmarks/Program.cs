using BenchmarkDotNet.Running;
using Unroll.Benchmarks;

// dotnet run -c Release --project benchmarks/Unroll.Benchmarks -- --filter '*Gemm*'   BenchmarkDotNet, reference as baseline
// dotnet run -c Release --project benchmarks/Unroll.Benchmarks -- --gflops              quick GFLOP/s against the measured peak
if (args.Length > 0 && args[0] == "--gflops")
{
    GemmThroughput.Run(Console.Out);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(GemmBenchmarks).Assembly).Run(args);
