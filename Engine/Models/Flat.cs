using OrleansSweeps.Engine.Interop;
using static TorchSharp.torch;

namespace OrleansSweeps.Engine.Models;

/// <summary>Copies between a list of tensors (in order) and one flat float64 array.</summary>
internal static class Flat
{
    public static double[] Read(IReadOnlyList<Tensor> tensors)
    {
        if (tensors.Count == 0) return [];
        using var scope = NewDisposeScope();
        return cat(tensors.Select(t => t.detach().reshape(-1).to(ScalarType.Float64)).ToArray()).cpu().data<double>().ToArray();
    }

    public static void Write(IReadOnlyList<Tensor> tensors, ReadOnlySpan<double> values)
    {
        var total = tensors.Sum(t => t.numel());
        EngineError.Require(values.Length == total, $"expected {total} values, got {values.Length}");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        long offset = 0;
        foreach (var t in tensors)
        {
            var part = values.Slice((int)offset, (int)t.numel()).ToArray();
            t.copy_(tensor(part, t.shape, ScalarType.Float64));
            offset += t.numel();
        }
    }
}
