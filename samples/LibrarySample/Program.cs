using Unroll.Core;
using Unroll.Core.Io;
using Unroll.Core.Training;

var network = RecurrentNetwork<float>.Create(new NetworkShape(CellKind.Lstm, InputSize: 1, HiddenSize: 32), seed: 42);
var trainer = new Trainer<float>(network, Optimizer.Create<float>(OptimizerKind.Adam),
    new TrainerOptions { Loss = LossKind.MeanSquared, ClipNorm = 1.0 });

// Ragged: each sequence is a list of steps, each step a feature vector; lengths differ freely.
List<IReadOnlyList<float[]>> sequences = [[[0.1f], [0.2f], [0.3f]], [[0.5f], [0.4f]]];
var batch = network.Pack(sequences);
float[] targets = [0.4f, 0.3f];
for (int epoch = 0; epoch < 200; epoch++)
    trainer.Step(batch, targets, learningRate: 0.01);

float[][] predictions = network.Predict(sequences);
float[][] same = network.Predict([[0.1f, 0.2f, 0.3f], [0.5f, 0.4f]]);   // one feature per step: the values alone
ModelFile.Save(network, "model.safetensors");
var loaded = ModelFile.Load<float>("model.safetensors").Network;
