using System.CommandLine;
using System.Numerics;
using System.Text.Json;
using Unroll.Core;
using Unroll.Core.Io;

namespace Unroll.Cli.Commands;

/// <summary>`unroll run`: predictions (and optionally the loss and its gradients) of a model on JSON sequences.</summary>
internal static class RunCommand
{
    public static Command Create(CliContext context)
    {
        var model = new Option<string>("--model") { Description = "Model file (safetensors, or .onnx as import-onnx reads it), or 'statquest' for the built-in one-unit ReLU example", Required = true };
        var input = new Option<string>("--input") { Description = "JSON file of sequences, or '-' for standard input: [[step, ...], ...], each step a number or an array of numbers", Required = true };
        var targets = new Option<string?>("--targets") { Description = "JSON file with one target (number or output vector) per sequence: adds the sum of squared residuals as \"loss\"" };
        var gradients = new Option<bool>("--gradients") { Description = "Add \"gradients\": the gradient of the loss for every parameter (needs --targets)" };
        var cell = new Option<string?>("--cell") { Description = "Cell for a model file without 'cell' metadata: rnn_relu, rnn_tanh, lstm or gru" };
        var map = Arguments.MapOption();
        var command = new Command("run", "Run a model on sequences of any lengths and print each sequence's prediction as JSON") { model, input, targets, gradients, cell, map, Options.Threads() };
        command.SetAction(parse =>
        {
            var modelName = parse.GetValue(model)!;
            var cellName = parse.GetValue(cell);
            if (cellName is not null) Arguments.Cell(cellName);
            var nameMap = parse.GetValue(map);
            if (nameMap is not null) Arguments.NameMap(nameMap);
            if (parse.GetValue(gradients) && parse.GetValue(targets) is null)
                throw new UserError("--gradients needs --targets: the gradients are those of the loss against the targets");
            var request = new Request(parse.GetValue(input)!, parse.GetValue(targets), parse.GetValue(gradients));
            if (modelName == "statquest" || modelName.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
                Arguments.OnlyForStateDicts(modelName, cellName, nameMap);
            if (modelName == "statquest")
                return Execute(context, Examples.StatQuest<float>(), request);
            if (modelName.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
                return Execute(context, OnnxImport.Load(modelName), request);   // through the same reader as import-onnx
            // Read once, in double (which holds F32 values exactly), then run in the file's own precision.
            var loaded = Arguments.LoadModel(context, modelName, cellName, nameMap);
            return loaded.StoredAsDouble
                ? Execute(context, loaded.Network, request)
                : Execute(context, loaded.Network.Convert<float>(), request);
        });
        return command;
    }

    private sealed record Request(string Input, string? Targets, bool Gradients);

    private static int Execute<T>(CliContext context, RecurrentNetwork<T> network, Request request) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var source = request.Input == "-" ? "standard input" : request.Input;
        var sequences = RaggedJson.Sequences<T>(context.ReadText(request.Input, "input"), source, network.Shape.InputSize);
        T[]? targets = request.Targets is null ? null
            : RaggedJson.Targets<T>(context.ReadText(request.Targets, "targets"), request.Targets, sequences.Count, network.Shape.OutputSize);

        var pass = network.Forward(network.Pack(sequences));
        int outputs = network.Shape.OutputSize;
        using var stream = new MemoryStream();
        var numbers = new JsonNumbers();         // JSON has no NaN or infinity: such values are written as null, and said in "notes"
        void WriteNumber(Utf8JsonWriter json, T value, string where) => numbers.Write(json, value, where);
        void WriteShaped(Utf8JsonWriter json, T[] values, int[] shape, string where)
        {
            int rows = shape.Length == 1 ? 1 : shape[0], columns = shape[^1];
            if (shape.Length > 1) json.WriteStartArray();
            for (int r = 0; r < rows; r++)
            {
                json.WriteStartArray();
                for (int c = 0; c < columns; c++) WriteNumber(json, values[r * columns + c], where);
                json.WriteEndArray();
            }
            if (shape.Length > 1) json.WriteEndArray();
        }
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteStartArray("predictions");
            for (int i = 0; i < sequences.Count; i++)
            {
                json.WriteStartArray();
                for (int o = 0; o < outputs; o++) WriteNumber(json, pass.Outputs[i * outputs + o], "predictions");
                json.WriteEndArray();
            }
            json.WriteEndArray();
            if (targets is not null)
            {
                T loss = T.Zero;
                var dOut = new T[targets.Length];
                for (int i = 0; i < targets.Length; i++)
                {
                    T r = pass.Outputs[i] - targets[i];
                    loss += r * r;
                    dOut[i] = r + r;
                }
                json.WritePropertyName("loss");
                WriteNumber(json, loss, "loss");
                if (request.Gradients)
                {
                    network.ZeroGradients();
                    network.Backward(pass, dOut);
                    json.WriteStartObject("gradients");
                    foreach (var p in network.Parameters)
                    {
                        json.WritePropertyName(p.Name);
                        WriteShaped(json, p.Gradient, [.. p.Shape], $"gradients.{p.Name}");
                    }
                    json.WriteEndObject();
                }
            }
            numbers.WriteNotes(json);
            json.WriteEndObject();
        }
        context.Out.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
        return UnrollCli.Ok;
    }
}
