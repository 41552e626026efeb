using OrleansSweeps.Engine.Storage;
using OrleansSweeps.Engine.Training;
using OrleansSweeps.Grains.Runs;

namespace OrleansSweeps.Silo.Storage;

/// <summary>
/// A run's state as files: <c>curves.csv</c> or <c>failure.txt</c> (each written once, atomically),
/// <c>stats.csv</c> (gradient statistics), <c>moments/{step}.bin</c> (moment vectors) and <c>checkpoints/</c>.
/// </summary>
public sealed class FileRunStore(string runDirectory, Action<string>? warn = null) : IRunStore
{
    private string CurvesPath => Path.Combine(runDirectory, "curves.csv");

    private string FailurePath => Path.Combine(runDirectory, "failure.txt");

    public ICheckpointStore Checkpoints { get; } = new DirectoryCheckpointStore(Path.Combine(runDirectory, "checkpoints"), warn);

    public IReadOnlyList<CurveRow>? ReadCurves() =>
        File.Exists(CurvesPath) ? CurveRow.ParseCsv(File.ReadAllText(CurvesPath), CurvesPath) : null;

    public void WriteCurves(IReadOnlyList<CurveRow> rows) => AtomicFile.WriteAllText(CurvesPath, CurveRow.ToCsv(rows));

    public void WriteStats(IReadOnlyList<StatsRow> rows) => AtomicFile.WriteAllText(Path.Combine(runDirectory, "stats.csv"), StatsRow.ToCsv(rows));

    public void WriteMomentVectors(int step, byte[] blob) => AtomicFile.WriteAllBytes(Path.Combine(runDirectory, "moments", $"{step:D9}.bin"), blob);

    public string? ReadFailure() => File.Exists(FailurePath) ? File.ReadAllText(FailurePath).Trim() : null;

    public void WriteFailure(string reason) => AtomicFile.WriteAllText(FailurePath, reason + "\n");
}
