using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Engine.Interop;
using OrleansSweeps.Engine.Models;
using static TorchSharp.torch;

namespace OrleansSweeps.Engine.Data;

/// <summary>A copy of some <see cref="Examples"/> resident on a device, in the model's precision.</summary>
public sealed class TensorData : IDisposable
{
    private TensorData(Tensor x, Tensor? labels, Tensor? targets, int classes)
    {
        X = x;
        Labels = labels;
        Targets = targets;
        Classes = classes;
        Count = (int)x.shape[0];
    }

    /// <summary>n × example shape, in the model's dtype.</summary>
    internal Tensor X { get; }

    /// <summary>n labels, int64 (classification), or null.</summary>
    internal Tensor? Labels { get; }

    /// <summary>n × k regression targets, or null.</summary>
    internal Tensor? Targets { get; }

    internal int Classes { get; }

    internal bool IsClassification => Labels is not null;

    public int Count { get; }

    public static TensorData Upload(Examples examples, Precision precision, string device) => EngineCall.Run("data.create", () =>
    {
        NativeRuntime.EnsureConfigured();
        var dtype = Devices.DType(precision);
        var dev = Devices.Parse(device);
        EngineError.Require(examples.Count > 0, "need at least one example of at least one dimension");
        long[] shape = [examples.Count, .. examples.ExampleShape.Select(d => (long)d)];
        using var hostX = tensor(examples.Inputs, shape, ScalarType.Float32);
        var x = hostX.to(dtype, dev, copy: true);
        if (examples.Labels is { } labels)
        {
            EngineError.Require(examples.Classes >= 2, "classification needs at least two classes");
            EngineError.Require(labels.All(l => l >= 0 && l < examples.Classes), $"labels must lie in [0, {examples.Classes})");
            using var host = tensor(labels, ScalarType.Int64);
            return new TensorData(x, host.to(dev, copy: true), null, examples.Classes);
        }
        EngineError.Require(examples.TargetDim >= 1, "regression targets need a dimension >= 1");
        using var hostTargets = tensor(examples.Targets!, [examples.Count, examples.TargetDim], ScalarType.Float32);
        return new TensorData(x, null, hostTargets.to(dtype, dev, copy: true), 0);
    });

    public void Dispose()
    {
        X.Dispose();
        Labels?.Dispose();
        Targets?.Dispose();
    }
}
