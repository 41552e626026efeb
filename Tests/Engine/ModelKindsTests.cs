using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Engine.Data;
using OrleansSweeps.Engine.Models;
using OrleansSweeps.Engine.Training;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Engine;

/// <summary>The CIFAR-10 CNN (GSNR paper table 3) and the MGS paper's 6×300 MLP as the spec builds them.</summary>
public sealed class ModelKindsTests
{
    private static ModelSpec Cnn(int p, params int[] frozen) =>
        new(ModelKind.CifarCnn, [], Activation.Relu, p, frozen, InitScheme.Pytorch, Precision.Float32, true);

    [Fact]
    public void Cifar_cnn_parameter_tensors_match_a_hand_count_for_p_2()
    {
        // Per layer with weights: weight then bias. conv(in, out, 3): 9·in·out and out; batchnorm(c): c and c.
        long[] expected =
        [
            54, 2, 2, 2, 36, 2, 2, 2,            // block 1: conv 3→2, BN 2, conv 2→2, BN 2
            72, 4, 4, 4, 144, 4, 4, 4,           // block 2: conv 2→4, BN 4, conv 4→4, BN 4
            288, 8, 8, 8, 576, 8, 8, 8,          // block 3: conv 4→8, BN 8, conv 8→8, BN 8
            1152, 16, 16, 16, 2304, 16, 16, 16,  // block 4: conv 8→16, BN 16, conv 16→16, BN 16
            1024, 16, 256, 16, 160, 10,          // fc 64→16, 16→16, 16→10 (64 = 16 channels × 2×2)
        ];
        using var model = NativeModel.Create(ModelArchitecture.For(Cnn(2), [3, 32, 32], 10), Precision.Float32, "cpu", 1, InitScheme.Pytorch);

        Assert.Equal(expected, model.ParameterSizes());
        Assert.Equal(6288, model.ParameterCount);
        Assert.Equal(6288, model.TrainableParameterCount);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(16)]
    public void Cifar_cnn_parameter_count_is_1463_p_squared_plus_213_p_plus_10(int p)
    {
        // Blocks: 9p²+33p, 54p²+12p, 216p²+24p, 864p²+48p; fc: 256p²+8p, 64p²+8p, 80p+10.
        using var model = NativeModel.Create(ModelArchitecture.For(Cnn(p), [3, 32, 32], 10), Precision.Float32, "cpu", 1, InitScheme.Pytorch);

        Assert.Equal(1463L * p * p + 213L * p + 10, model.ParameterCount);
    }

    [Fact]
    public void Frozen_indices_count_batchnorm_layers_as_layers_with_weights()
    {
        var architecture = ModelArchitecture.For(Cnn(2, 1, 18), [3, 32, 32], 10);
        using var model = NativeModel.Create(architecture, Precision.Float32, "cpu", 1, InitScheme.Pytorch);

        var layers = architecture.Layers.Split(';');
        Assert.Equal("batchnorm(2,frozen)", layers[1]);
        Assert.Equal("linear(16,10,frozen)", layers[^1]);
        Assert.Equal(2, layers.Count(l => l.Contains("frozen", StringComparison.Ordinal)));
        Assert.Equal(6288 - 4 - 170, model.TrainableParameterCount);
    }

    [Fact]
    public void Cifar_cnn_evaluates_and_trains_on_generated_cifar10_data()
    {
        using var dir = new TempDirectory();
        CifarFiles.Write(dir.Path, perBatch: 40, testCount: 100);
        var spec = SpecBuilder.Single($$"""
            name: cifar-model
            replicates: 1
            train_size: 200
            dataset: {kind: cifar10, path: "{{dir.Path}}"}
            model: {kind: cifar-cnn, p: 2}
            training: {optimizer: gd, lr: 0.05, steps: 15}
            """);
        var plan = DataPlan.For(spec);
        var train = plan.TrainingSet(0);
        using var model = NativeModel.Create(ModelArchitecture.For(spec.Model, train.ExampleShape, train.Outputs), Precision.Float32, "cpu", 3, InitScheme.Pytorch);
        using var trainData = TensorData.Upload(train, Precision.Float32, "cpu");
        using var testData = TensorData.Upload(plan.Test, Precision.Float32, "cpu");

        var before = model.Evaluate(testData);
        var trainBefore = model.Evaluate(trainData).Loss;
        using (var trainer = Trainer.Create(model, spec.Training, 1))
        {
            for (var step = 0; step < spec.Training.Steps; step++) trainer.Step(trainData, [], spec.Training.LearningRate);
        }
        var trainAfter = model.Evaluate(trainData).Loss;

        Assert.Equal(100, before.Count);
        Assert.InRange(before.Loss, 1.5, 4.0); // about ln 10 ≈ 2.3 for small random logits
        Assert.InRange(before.Accuracy, 0, 1);
        Assert.True(double.IsFinite(trainAfter) && trainAfter < trainBefore, $"training loss {trainBefore} -> {trainAfter} did not fall");
    }

    [Fact]
    public void The_six_by_300_mlp_flattens_mnist_images()
    {
        var spec = SpecBuilder.Single("""
            name: mlp-6x300
            replicates: 1
            train_size: 100
            dataset: {kind: mnist}
            model: {kind: mlp, hidden: [300, 300, 300, 300, 300, 300]}
            training: {optimizer: sgd, lr: 0.1, steps: 1, batch_size: 32}
            """);

        var architecture = ModelArchitecture.For(spec.Model, [1, 28, 28], 10);
        using var model = NativeModel.Create(architecture, Precision.Float32, "cpu", 1, InitScheme.Pytorch);

        Assert.StartsWith("flatten;linear(784,300);relu;linear(300,300);relu;", architecture.Layers, StringComparison.Ordinal);
        Assert.EndsWith("linear(300,300);relu;linear(300,10)", architecture.Layers, StringComparison.Ordinal);
        Assert.Equal(6, architecture.Layers.Split(';').Count(l => l == "relu"));
        Assert.Equal(784 * 300 + 300 + 5 * (300 * 300 + 300) + 300 * 10 + 10, model.ParameterCount);
    }
}
