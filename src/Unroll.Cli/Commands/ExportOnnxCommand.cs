using System.CommandLine;
using Unroll.Core;
using Unroll.Core.Io;
using Unroll.Forecasting;

namespace Unroll.Cli.Commands;

/// <summary>`unroll export-onnx`: a model as an ONNX file (one standard RNN/LSTM/GRU node per layer) for ONNX Runtime.</summary>
internal static class ExportOnnxCommand
{
    public static Command Create(CliContext context)
    {
        var model = new Option<string>("--model") { Description = "Model file (safetensors, from 'unroll train' or a PyTorch state dict), or 'statquest'", Required = true };
        var output = new Option<string>("--out") { Description = "ONNX file to write", Required = true };
        var opset = new Option<int>("--opset")
        {
            Description = $"ONNX opset to write: {OnnxExportOptions.MinOpset} to {OnnxExportOptions.MaxOpset}",
            DefaultValueFactory = _ => OnnxExportOptions.MinOpset,
        };
        var cell = new Option<string?>("--cell") { Description = "Cell for a model file without 'cell' metadata: rnn_relu, rnn_tanh, lstm or gru" };
        var map = new Option<string?>("--map") { Description = "Rename parameter prefixes of a PyTorch state dict, as 'unroll run --map': lstm.=rnn.,fc.=head." };
        var command = new Command("export-onnx", "Write a model as ONNX: inputs 'input' [batch, time, features] and 'lengths' [batch], output 'prediction' [batch, outputs]")
            { model, output, opset, cell, map };
        command.SetAction(parse =>
        {
            string modelPath = parse.GetValue(model)!, outPath = parse.GetValue(output)!;
            int version = parse.GetValue(opset);
            if (version is < OnnxExportOptions.MinOpset or > OnnxExportOptions.MaxOpset)
                throw new UserError($"--opset {version} is not supported: Unroll writes opsets {OnnxExportOptions.MinOpset} to {OnnxExportOptions.MaxOpset}; leave it out for {OnnxExportOptions.MinOpset}");
            string? cellName = parse.GetValue(cell), nameMap = parse.GetValue(map);
            if (cellName is not null) Arguments.Cell(cellName);
            if (nameMap is not null) Arguments.NameMap(nameMap);
            bool builtIn = modelPath == "statquest";
            if (builtIn) Arguments.OnlyForStateDicts(modelPath, cellName, nameMap);
            new OutputGuard().Input("--model", builtIn ? null : modelPath).File("--out", outPath, "model.onnx", OutputKind.Onnx).Check();

            if (builtIn)
            {
                OnnxExport.Save(Examples.StatQuest<float>(), outPath, new OnnxExportOptions { Opset = version });
                context.Out.WriteLine($"Wrote {outPath} (statquest, opset {version})");
                return UnrollCli.Ok;
            }
            var loaded = Arguments.LoadModel(context, modelPath, cellName, nameMap);   // the same reader as 'unroll run'
            var metadata = ForecastOnnx.Metadata(loaded.Metadata);
            if (metadata.Count > 0) ModelBundle.Load(modelPath);   // a forecasting model's settings are checked before they are copied
            OnnxExport.Save(loaded.Network, outPath, new OnnxExportOptions { Opset = version, Metadata = metadata });
            var s = loaded.Network.Shape;
            context.Out.WriteLine($"Wrote {outPath} ({s.Cell.ToName()}, {s.Layers} layer{(s.Layers == 1 ? "" : "s")}, {s.InputSize} input{(s.InputSize == 1 ? "" : "s")}, " +
                $"{s.HiddenSize} hidden, {s.OutputSize} output{(s.OutputSize == 1 ? "" : "s")}, opset {version}" +
                (metadata.Count > 0 ? "; the forecaster's scaling is in the metadata (unroll.processing), see docs/interop.md)" : ")"));
            return UnrollCli.Ok;
        });
        return command;
    }
}
