using OrleansSweeps.Engine.Training;

namespace OrleansSweeps.Grains.Runs;

/// <summary>The durable state of one run: its checkpoints and, once ended, its curves or its failure.</summary>
public interface IRunStore
{
    ICheckpointStore Checkpoints { get; }

    /// <summary>The finished run's curves, or null when the run has not completed; stored curves that are cut short or malformed throw <see cref="InvalidDataException"/>.</summary>
    IReadOnlyList<CurveRow>? ReadCurves();

    /// <summary>Stores the finished run's curves atomically; from then on the run counts as complete.</summary>
    void WriteCurves(IReadOnlyList<CurveRow> rows);

    /// <summary>Stores the run's gradient-statistics rows; called before <see cref="WriteCurves"/>.</summary>
    void WriteStats(IReadOnlyList<StatsRow> rows);

    /// <summary>
    /// Stores the enveloped moment vectors of the recorded steps <paramref name="firstStep"/> to
    /// <paramref name="lastStep"/>, concatenated, as one blob; returns its key (for <see cref="MomentsLocator"/>).
    /// </summary>
    string WriteMomentBatch(int firstStep, int lastStep, byte[] blob);

    /// <summary>Why the run failed for good (e.g. it diverged), or null.</summary>
    string? ReadFailure();

    void WriteFailure(string reason);
}
