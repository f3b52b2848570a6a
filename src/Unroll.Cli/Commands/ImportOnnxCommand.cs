using System.CommandLine;
using Unroll.Core;
using Unroll.Core.Io;

namespace Unroll.Cli.Commands;

/// <summary>`unroll import-onnx`: an ONNX recurrent model (one RNN/LSTM/GRU node per layer, optional linear head) as an Unroll model file.</summary>
internal static class ImportOnnxCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("FILE") { Description = "ONNX file: one forward RNN, LSTM or GRU node per layer and an optional Gemm or MatMul+Add head" };
        var output = new Option<string>("--out") { Description = "Model file to write (safetensors)", Required = true };
        var command = new Command("import-onnx", "Read a recurrent ONNX model (as Unroll, PyTorch or tf2onnx export it) into Unroll's model format") { file, output };
        command.SetAction(parse =>
        {
            string inPath = parse.GetValue(file)!, outPath = parse.GetValue(output)!;
            new OutputGuard().Input("the ONNX file", inPath).File("--out", outPath, "model.safetensors", OutputKind.Model).Check();
            var network = OnnxImport.Load(inPath);
            ModelFile.Save(network, outPath);
            var s = network.Shape;
            context.Out.WriteLine($"Wrote {outPath} ({s.Cell.ToName()}, {s.Layers} layer{(s.Layers == 1 ? "" : "s")}, {s.InputSize} input{(s.InputSize == 1 ? "" : "s")}, {s.HiddenSize} hidden, {s.OutputSize} output{(s.OutputSize == 1 ? "" : "s")})");
            return UnrollCli.Ok;
        });
        return command;
    }
}
