namespace OrleansSweeps.Contracts.Specs;

/// <summary>Which examples the gradient statistics are taken over at a recorded step.</summary>
public enum StatsExamples
{
    /// <summary>The whole training set (the full-batch statistics of the GSNR paper).</summary>
    Train,

    /// <summary>The minibatch of the update made at that step (sgd / adam only).</summary>
    Batch,
}

/// <summary>
/// The gradient statistics a run records at its recorded steps (SCIENCE.md §1, §3). Off by default:
/// they cost about as much as a forward-backward pass over the examples they are taken on.
/// </summary>
/// <param name="Moments">Per-parameter moments of per-example gradients, summarised per tensor and for the model.</param>
/// <param name="Signs">Also p_same_sign (needs moments).</param>
/// <param name="Vectors">Also write g and ρ² per parameter (float32) into the run's <c>moments/{first}-{last}.bin</c> batch blobs (needs moments).</param>
/// <param name="Examples">Which examples the moments are taken over.</param>
/// <param name="Chunk">Examples per native chunk (bounds memory).</param>
/// <param name="MgsBatch">b for the MGS kernel (0: none); b examples drawn afresh (stream <c>mgs/m/t</c>) from the training set.</param>
public sealed record StatsSpec(bool Moments, bool Signs, bool Vectors, StatsExamples Examples, int Chunk, int MgsBatch)
{
    /// <summary>Default examples per chunk: 1024 keeps the GSNR CNN (p = 20) under 512 MiB.</summary>
    public const int DefaultChunk = 1024;

    public static StatsSpec None { get; } = new(false, false, false, StatsExamples.Train, DefaultChunk, 0);

    /// <summary>
    /// Coherent-gradients loss-reduction attribution (SCIENCE.md §4): f_p and f_c over the training set at
    /// each recorded step (needs dataset.label_noise).
    /// </summary>
    public bool Coherence { get; init; }

    /// <summary>K null worlds for f_p (pristine/corrupt flags permuted, stream <c>null-worlds/m/t</c>); 0 = none.</summary>
    public int NullWorlds { get; init; }

    /// <summary>Per-example first recorded step at which the example is classified as labelled (classification only).</summary>
    public bool Learned { get; init; }

    public bool Any => Moments || MgsBatch > 0 || Coherence || Learned;
}
