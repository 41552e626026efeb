namespace OrleansSweeps.Contracts.Specs;

/// <summary>
/// Everything one sweep point needs to train its M replicate runs: the spec with one grid combination
/// applied and every default filled in.
/// </summary>
public sealed record RunSpec(
    ulong Seed,
    int Replicates,
    int TrainSize,
    string Device,
    DatasetSpec Dataset,
    ModelSpec Model,
    TrainingSpec Training,
    RecordSpec Record,
    int CheckpointEvery)
{
    /// <summary>Gradient statistics recorded at the recorded steps (none by default).</summary>
    public StatsSpec Stats { get; init; } = StatsSpec.None;
}

public sealed record DatasetSpec(
    DatasetKind Kind,
    int TestSize,
    double Noise,
    double CircleFactor,
    LabelNoiseSpec? LabelNoise,
    string? Path)
{
    /// <summary>A corruption applied to every image of the pool and the test set (none by default).</summary>
    public CorruptionSpec? Corruption { get; init; }
}

/// <summary>
/// Motion blur (MNIST-C style): a one-sided line of <paramref name="Radius"/> + 1 taps with Gaussian
/// weights exp(−d²/(2σ²)), d = 0..radius, along an angle drawn per image in [−45°, 45°].
/// </summary>
public sealed record CorruptionSpec(CorruptionKind Kind, int Radius, double Sigma);

public sealed record LabelNoiseSpec(LabelNoiseMode Mode, double Fraction);

public sealed record ModelSpec(
    ModelKind Kind,
    IReadOnlyList<int> Hidden,
    Activation Activation,
    int P,
    IReadOnlyList<int> Frozen,
    InitScheme Init,
    Precision Precision,
    bool ShareInit);

public sealed record TrainingSpec(
    OptimizerKind Optimizer,
    int Steps,
    int BatchSize,
    double LearningRate,
    ScheduleSpec Schedule,
    double Momentum,
    double WeightDecay,
    AdamSpec Adam)
{
    /// <summary>Dropout, gradient penalties and winsorizing (none by default).</summary>
    public RegularizationSpec Regularization { get; init; } = RegularizationSpec.None;
}

public sealed record ScheduleSpec(ScheduleKind Kind, double Gamma, double MinLearningRate, int Period);

public sealed record AdamSpec(double Beta1, double Beta2, double Epsilon);
