using OrleansSweeps.Engine.Statistics;
using OrleansSweeps.Grains.Runs;

namespace OrleansSweeps.Grains.Aggregates;

/// <summary>
/// What an aggregator of one (point, step) reads and writes, adapted by the silo from the ledger and the
/// blob store. <see cref="Complete"/> stores the result once: the same result again changes nothing, another throws.
/// </summary>
public interface IAggregateStore
{
    /// <summary>The M replicates' report payloads of the step, in replicate order.</summary>
    IReadOnlyList<string> ReadReports();

    /// <summary>
    /// Replicate <paramref name="replicate"/>'s moment vectors at the step, from the range its report names;
    /// a missing or corrupt range throws <see cref="InvalidDataException"/>.
    /// </summary>
    MomentVectors ReadMomentVectors(int replicate, MomentsLocator at);

    /// <summary>Stores the per-parameter cross-run GSNR (an enveloped float64 vector).</summary>
    void WriteCrossRunGsnr(byte[] blob);

    /// <summary>Stores the result and marks the aggregate complete.</summary>
    void Complete(string result);
}
