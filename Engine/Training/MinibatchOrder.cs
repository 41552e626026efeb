using OrleansSweeps.Engine.Data;

namespace OrleansSweeps.Engine.Training;

/// <summary>
/// Which examples update t uses. Each epoch is a fresh permutation of the training set (stream
/// <c>batches/m/e</c>), cut into consecutive batches; the last batch of an epoch may be smaller.
/// Stateless in t: a resumed run gets the same batches without saving any generator.
/// </summary>
public sealed class MinibatchOrder(int trainSize, int batchSize, ulong rootSeed, int replicate)
{
    private long[]? _permutation;
    private long _epoch = -1;

    public int BatchesPerEpoch { get; } = (trainSize + batchSize - 1) / batchSize;

    /// <summary>True when every update uses the whole set (gradient descent): no indices needed.</summary>
    public bool FullBatch => batchSize >= trainSize;

    public ReadOnlySpan<long> Batch(long step)
    {
        var epoch = step / BatchesPerEpoch;
        if (epoch != _epoch)
        {
            _permutation = Enumerable.Range(0, trainSize).Select(i => (long)i).ToArray();
            new DeterministicRandom(SeedScheme.Derive(rootSeed, "batches", replicate, epoch)).Shuffle(_permutation.AsSpan());
            _epoch = epoch;
        }
        var start = (int)(step % BatchesPerEpoch) * batchSize;
        return _permutation.AsSpan(start, Math.Min(batchSize, trainSize - start));
    }
}
