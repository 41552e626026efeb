using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Engine.Data;
using OrleansSweeps.Engine.Interop;
using OrleansSweeps.Engine.Models.Layers;
using static TorchSharp.torch;

namespace OrleansSweeps.Engine.Models;

/// <summary>
/// A model held by libtorch (through TorchSharp) on a CPU or CUDA device: a <see cref="SequentialNet"/> of
/// C# modules with θ0 from a portable generator. Every parameter in a fixed order (layer by layer, weight then
/// bias), the order of <see cref="GetParameters"/> and of every per-parameter statistic.
/// </summary>
public sealed class NativeModel : IDisposable
{
    private NativeModel(SequentialNet net, Precision precision, string device, Device torchDevice)
    {
        Net = net;
        Precision = precision;
        Device = device;
        TorchDevice = torchDevice;
        ParameterCount = net.Parameters.Sum(p => p.numel());
        TrainableParameterCount = net.Trainable.Sum(p => p.numel());
    }

    public SequentialNet Net { get; }

    public Precision Precision { get; }

    public string Device { get; }

    internal Device TorchDevice { get; }

    public long ParameterCount { get; }

    public long TrainableParameterCount { get; }

    /// <summary>Creates the model from layer text (see <see cref="LayerText"/>) with θ0 drawn from <paramref name="seed"/>.</summary>
    public static NativeModel Create(string layers, Precision precision, string device, ulong seed, InitScheme init) =>
        EngineCall.Run("model.create", () =>
        {
            NativeRuntime.EnsureConfigured();
            var specs = LayerText.Parse(layers);
            var dev = Devices.Parse(device);
            var net = new SequentialNet(specs, Devices.DType(precision), dev);
            net.eval();
            Initializer.Apply(net, seed, init);
            return new NativeModel(net, precision, device, dev);
        });

    public static NativeModel Create(ModelArchitecture architecture, Precision precision, string device, ulong seed, InitScheme init) =>
        Create(architecture.Layers, precision, device, seed, init);

    /// <summary>Every parameter (weights then bias, layer by layer) as float64.</summary>
    public double[] GetParameters() => EngineCall.Run("model.get_params", () => Flat.Read(Net.Parameters));

    public void SetParameters(ReadOnlySpan<double> values)
    {
        var copy = values.ToArray();
        EngineCall.Run("model.set_params", () => Flat.Write(Net.Parameters, copy));
    }

    /// <summary>Mean loss and accuracy over every example of <paramref name="data"/>.</summary>
    public Evaluation Evaluate(TensorData data) => Evaluate(data, []);

    /// <summary>Mean loss and accuracy over the selected examples (all when <paramref name="indices"/> is empty).</summary>
    public Evaluation Evaluate(TensorData data, ReadOnlySpan<long> indices)
    {
        var selection = indices.ToArray();
        return EngineCall.Run("model.evaluate", () =>
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            double lossSum = 0;
            long correct = 0, count = 0;
            Batch.ForEachChunk(data, selection, Batch.ChunkExamples, batch =>
            {
                var output = Net.call(batch.X);
                lossSum += Losses.PerExample(output, batch, data).sum().to(ScalarType.Float64).item<double>();
                if (batch.Labels is { } labels) correct += output.argmax(1).eq(labels).sum().item<long>();
                count += batch.Count;
            });
            return new Evaluation(lossSum / count, data.IsClassification ? (double)correct / count : double.NaN, count);
        });
    }

    /// <summary>Mean loss and its gradient w.r.t. every parameter (zero for frozen ones).</summary>
    public (double Loss, double[] Gradient) LossGradient(TensorData data, ReadOnlySpan<long> indices = default)
    {
        var selection = indices.ToArray();
        return EngineCall.Run("model.loss_grad", () =>
        {
            var n = selection.Length == 0 ? data.Count : selection.Length;
            double lossSum = 0;
            var gradient = SummedGradients(data, selection, (batch, output) =>
            {
                var chunkLoss = Losses.PerExample(output, batch, data).sum();
                lossSum += chunkLoss.to(ScalarType.Float64).item<double>();
                return chunkLoss;
            });
            for (var j = 0; j < gradient.Length; j++) gradient[j] /= n;
            return (lossSum / n, gradient);
        });
    }

    /// <summary>
    /// Gradient of Σ_i f_c(x_i) (raw output <paramref name="output"/>) over the selected examples w.r.t. every
    /// parameter, zeros for frozen ones. With one example selected: a row of the MGS Jacobian.
    /// </summary>
    public double[] OutputGradient(TensorData data, ReadOnlySpan<long> indices, int output)
    {
        var selection = indices.ToArray();
        return EngineCall.Run("model.output_grad", () => SummedGradients(data, selection, (_, f) =>
        {
            EngineError.Require(output >= 0 && output < f.shape[1], "output index out of range");
            return f.select(1, output).sum();
        }));
    }

    /// <summary>Element counts of the parameter tensors in order (per weighted layer: weight, then bias).</summary>
    public long[] ParameterSizes() => Net.Parameters.Select(p => p.numel()).ToArray();

    /// <summary>Σ over chunks of ∂scalar(chunk)/∂θ for every parameter in float64, zeros for frozen ones.</summary>
    private double[] SummedGradients(TensorData data, long[] selection, Func<Batch, Tensor, Tensor> scalar)
    {
        using var scope = NewDisposeScope();
        var sums = Net.Parameters.Select(p => zeros_like(p, ScalarType.Float64)).ToArray();
        var trainable = Net.Parameters.Select((p, i) => (p, i)).Where(t => t.p.requires_grad).ToArray();
        Batch.ForEachChunk(data, selection, Batch.ChunkExamples, batch =>
        {
            var value = scalar(batch, Net.call(batch.X));
            if (trainable.Length == 0) return;
            var grads = autograd.grad([value], trainable.Select(t => t.p).ToArray());
            for (var j = 0; j < grads.Count; j++) sums[trainable[j].i].PlusInPlace(grads[j].to(ScalarType.Float64));
        });
        return Flat.Read(sums);
    }

    public void Dispose() => Net.Dispose();
}

/// <summary>Mean per-example loss and accuracy (NaN for regression) over <paramref name="Count"/> examples.</summary>
public readonly record struct Evaluation(double Loss, double Accuracy, long Count);
