using BenchmarkDotNet.Running;
using Unroll.Benchmarks;

// dotnet run -c Release --project benchmarks/Unroll.Benchmarks -- --filter '*Gemm*'   BenchmarkDotNet, reference as baseline
// dotnet run -c Release --project benchmarks/Unroll.Benchmarks -- --gflops [NAME]      quick GFLOP/s against the measured peak (shapes whose name contains NAME)
// dotnet run -c Release --project benchmarks/Unroll.Benchmarks -- --small               quick µs of the engine's small, skinny products,
//                                                    one sequence's row products and the packing of W_hh (with
//                                                    DOTNET_TieredCompilation=0 as the CLI compiles them)
// dotnet run -c Release --project benchmarks/Unroll.Benchmarks -- --half-floor
//                                                    one thread's half of W2's inference: its products and gate
//                                                    math as measured, against products at the peak FMA rate and
//                                                    the gate math's arithmetic with its operands in the L1 cache
// dotnet run -c Release --project benchmarks/Unroll.Benchmarks -- --filter '*WorkloadBenchmarks*W4*' --job short
//                                                    one training step, one forward pass (with its tape) and one
//                                                    inference of a workload (W0..W6), tiered, as a library
//                                                    user's code runs
// dotnet run -c Release --project benchmarks/Unroll.Benchmarks -- --filter '*EngineGemmBenchmarks*W1*'
//                                                    the engine's products for a workload, reference as baseline
// benchmarks/compare.sh                              the workloads against PyTorch, as a markdown table
// dotnet run -c Release --project benchmarks/Unroll.Benchmarks -- --read-csv FILE [--features a,b]
//                                                    reads a CSV as the CLI does: rows, seconds, rows per second, peak
//                                                    memory (benchmarks/memory/run.sh)
if (args.Length > 0 && args[0] == "--gflops")
{
    if (!GemmThroughput.Run(Console.Out, args.Length > 1 ? args[1] : "")) Environment.ExitCode = 2;
    return;
}
if (args.Length > 0 && args[0] == "--small")
{
    GemmSmallShapes.Run(Console.Out);
    return;
}
if (args.Length > 0 && args[0] == "--half-floor")
{
    InferenceHalfFloor.Run(Console.Out);
    return;
}
if (args.Length > 1 && args[0] == "--read-csv")
{
    CsvReadTimer.Run(args[1], args.Length > 3 && args[2] == "--features" ? args[3].Split(',') : [], Console.Out);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(GemmBenchmarks).Assembly).Run(args);
