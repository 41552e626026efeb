using System.Text;
using OrleansSweeps.Contracts.Identity;
using OrleansSweeps.Engine.Training;
using OrleansSweeps.Grains.Runs;
using OrleansSweeps.Silo.Blobs;

namespace OrleansSweeps.Silo.Activation;

/// <summary>
/// A run's durable state as blobs (DESIGN.md layout): <c>curves.csv</c> or <c>failure.txt</c> (each written
/// once, atomically), <c>stats.csv</c>, <c>moments/{first}-{last}.bin</c> (a batch of steps' moment vectors) and <c>checkpoints/</c>.
/// </summary>
public sealed class BlobRunStore(IBlobStore blobs, RunId run, Action<string>? warn = null) : IRunStore
{
    public ICheckpointStore Checkpoints { get; } = new BlobCheckpointStore(blobs, run, warn);

    /// <summary>The curves, or null; a blob cut short (every curves file ends with a newline) or malformed throws <see cref="InvalidDataException"/>.</summary>
    public IReadOnlyList<CurveRow>? ReadCurves()
    {
        var key = BlobKeys.Curves(run);
        if (ReadText(key) is not { } text) return null;
        if (!text.EndsWith('\n')) throw new InvalidDataException($"blob '{key}': cut short ({text.Length} characters, no final newline)");
        return CurveRow.ParseCsv(text, $"blob '{key}'");
    }

    public void WriteCurves(IReadOnlyList<CurveRow> rows) => WriteText(BlobKeys.Curves(run), CurveRow.ToCsv(rows));

    public void WriteStats(IReadOnlyList<StatsRow> rows) => WriteText(BlobKeys.Stats(run), StatsRow.ToCsv(rows));

    public string WriteMomentBatch(int firstStep, int lastStep, byte[] blob)
    {
        var key = BlobKeys.Moments(run, firstStep, lastStep);
        Blocking.Wait(blobs.PutAsync(key, blob));
        return key;
    }

    public string? ReadFailure() => ReadText(BlobKeys.Failure(run))?.Trim();

    public void WriteFailure(string reason) => WriteText(BlobKeys.Failure(run), reason + "\n");

    private string? ReadText(string key) => Blocking.Wait(blobs.GetAsync(key)) is { } blob ? Encoding.UTF8.GetString(blob.Content) : null;

    private void WriteText(string key, string text) => Blocking.Wait(blobs.PutAsync(key, Encoding.UTF8.GetBytes(text)));
}
