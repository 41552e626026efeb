using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace OrleansSweeps.Engine.Models.Layers;

/// <summary>A layer of a <see cref="SequentialNet"/>: a TorchSharp module that keeps its <see cref="LayerSpec"/>.</summary>
public abstract class SweepLayer(LayerSpec spec) : nn.Module<Tensor, Tensor>(spec.Kind.ToString())
{
    public LayerSpec Spec { get; } = spec;

    /// <summary>Builds the module of <paramref name="spec"/>; layers with weights start at zero (see <see cref="Initializer"/>).</summary>
    public static SweepLayer Create(LayerSpec spec, ScalarType dtype, Device device) => spec.Kind switch
    {
        LayerKind.Linear => new LinearLayer(spec, dtype, device),
        LayerKind.Conv => new ConvLayer(spec, dtype, device),
        LayerKind.BatchNorm => new BatchNormLayer(spec, dtype, device),
        _ => new PlainLayer(spec),
    };
}

/// <summary>A layer with a weight and a bias, each a parameter that is frozen (no gradient) or trained.</summary>
public abstract class WeightedLayer : SweepLayer
{
    protected WeightedLayer(LayerSpec spec, long[] weightShape, ScalarType dtype, Device device) : base(spec)
    {
        Weight = new Parameter(zeros(weightShape, dtype, device), requires_grad: !spec.Frozen);
        Bias = new Parameter(zeros(spec.Out, dtype, device), requires_grad: !spec.Frozen);
        register_parameter("weight", Weight);
        register_parameter("bias", Bias);
    }

    public Parameter Weight { get; }

    public Parameter Bias { get; }
}

public sealed class LinearLayer(LayerSpec spec, ScalarType dtype, Device device)
    : WeightedLayer(spec, [spec.Out, spec.In], dtype, device)
{
    public override Tensor forward(Tensor x) => F.linear(x, Weight, Bias);
}

public sealed class ConvLayer(LayerSpec spec, ScalarType dtype, Device device)
    : WeightedLayer(spec, [spec.Out, spec.In, spec.Kernel, spec.Kernel], dtype, device)
{
    public override Tensor forward(Tensor x) => F.conv2d(x, Weight, Bias, strides: [Spec.Stride, Spec.Stride], padding: [Spec.Pad, Spec.Pad]);
}

/// <summary>
/// BatchNorm as torch.nn.BatchNorm2d (ε 1e-5, momentum 0.1; γ = 1, β = 0, running mean 0 and variance 1 at
/// the start). Batch statistics only in training mode, which only a training step sets; evaluation, gradients
/// and every statistic use the running ones.
/// </summary>
public sealed class BatchNormLayer : WeightedLayer
{
    public const double Epsilon = 1e-5;
    public const double Momentum = 0.1;

    public BatchNormLayer(LayerSpec spec, ScalarType dtype, Device device) : base(spec, [spec.Out], dtype, device)
    {
        RunningMean = zeros(spec.Out, dtype, device);
        RunningVar = ones(spec.Out, dtype, device);
        register_buffer("running_mean", RunningMean);
        register_buffer("running_var", RunningVar);
        using (no_grad())
        {
            Weight.fill_(Scalars.One);
        }
    }

    public Tensor RunningMean { get; }

    public Tensor RunningVar { get; }

    public override Tensor forward(Tensor x) => F.batch_norm(x, RunningMean, RunningVar, Weight, Bias, training, Momentum, Epsilon);
}

/// <summary>Layers without parameters: max pooling, flatten and the activations.</summary>
public sealed class PlainLayer(LayerSpec spec) : SweepLayer(spec)
{
    public override Tensor forward(Tensor x) => Spec.Kind switch
    {
        LayerKind.MaxPool => F.max_pool2d(x, Spec.Kernel),
        LayerKind.Flatten => x.flatten(1),
        LayerKind.Relu => F.relu(x),
        LayerKind.Tanh => x.tanh(),
        LayerKind.Sigmoid => x.sigmoid(),
        _ => throw new InvalidOperationException($"{Spec.Kind} is not a plain layer"),
    };
}
