using OrleansSweeps.Engine.Interop;
using static TorchSharp.torch;

namespace OrleansSweeps.Engine.Data;

/// <summary>Some examples of a <see cref="TensorData"/>: inputs and labels or targets (views or gathered copies).</summary>
internal sealed record Batch(Tensor X, Tensor? Labels, Tensor? Targets)
{
    public long Count => X.shape[0];

    /// <summary>Examples per chunk for evaluation and full-batch gradients: bounds memory for n = 15,000 images.</summary>
    public const int ChunkExamples = 4096;

    /// <summary>
    /// Calls <paramref name="visit"/> for consecutive chunks of the selection (empty: all examples), in order.
    /// Tensors made for a chunk belong to the caller's dispose scope.
    /// </summary>
    public static void ForEachChunk(TensorData data, ReadOnlySpan<long> indices, long chunk, Action<Batch> visit)
    {
        var n = indices.IsEmpty ? data.Count : indices.Length;
        EngineError.Require(n > 0, "the selection holds no examples");
        Tensor? index = null;
        if (!indices.IsEmpty)
        {
            foreach (var i in indices) EngineError.Require(i >= 0 && i < data.Count, $"example index out of range [0, {data.Count})");
            index = tensor(indices.ToArray(), ScalarType.Int64).to(data.X.device);
        }
        for (long start = 0; start < n; start += chunk)
        {
            var length = Math.Min(n - start, chunk);
            if (index is null)
            {
                visit(new Batch(data.X.narrow(0, start, length), data.Labels?.narrow(0, start, length), data.Targets?.narrow(0, start, length)));
                continue;
            }
            var part = index.narrow(0, start, length);
            visit(new Batch(data.X.index_select(0, part), data.Labels?.index_select(0, part), data.Targets?.index_select(0, part)));
        }
    }

    /// <summary>The whole selection in one piece (BatchNorm mixes examples; the penalties need the whole batch).</summary>
    public static Batch Whole(TensorData data, ReadOnlySpan<long> indices)
    {
        Batch? whole = null;
        ForEachChunk(data, indices, long.MaxValue, b => whole = b);
        return whole!;
    }
}
