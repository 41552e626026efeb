using OrleansSweeps.Contracts.Identity;
using OrleansSweeps.Engine.Training;
using OrleansSweeps.Silo.Blobs;
using OrleansSweeps.Silo.Ledger;
using OrleansSweeps.Silo.Telemetry;

namespace OrleansSweeps.Silo.Activation;

/// <summary>
/// A run's checkpoints as blobs <c>…/checkpoints/{step:D9}.ckpt</c>. The newest <see cref="Keep"/> are kept,
/// so a corrupt newest one (its SHA-256 fails) is skipped with a warning and the run resumes from the one before.
/// </summary>
public sealed class BlobCheckpointStore(IBlobStore blobs, RunId run, Action<string>? warn = null) : ICheckpointStore
{
    /// <summary>Checkpoints kept per run (default 2: the newest and one to fall back to).</summary>
    public int Keep { get; init; } = 2;

    public Checkpoint? LoadLatest()
    {
        foreach (var key in Keys().Reverse())
        {
            var blob = Blocking.Wait(blobs.GetAsync(key));
            if (blob is null) continue;
            try
            {
                return Checkpoint.Deserialize(blob.Content, $"blob '{key}'");
            }
            catch (InvalidDataException e)
            {
                warn?.Invoke($"skipping corrupt checkpoint: {e.Message}");
            }
        }
        return null;
    }

    public void Save(Checkpoint checkpoint)
    {
        using var span = SiloTelemetry.StartRunChild(SweepsTelemetry.CheckpointSpan, run);
        var bytes = checkpoint.Serialize();
        span?.SetTag(SweepsTelemetry.StepTag, checkpoint.Step).SetTag(SweepsTelemetry.BytesTag, bytes.Length);
        Blocking.Wait(blobs.PutAsync(BlobKeys.Checkpoint(run, checkpoint.Step), bytes));
        foreach (var old in Keys().SkipLast(Keep)) Blocking.Wait(blobs.DeleteAsync(old));
    }

    private IReadOnlyList<string> Keys()
    {
        var keys = new List<string>();
        string? continuation = null;
        do
        {
            var page = Blocking.Wait(blobs.ListAsync(BlobKeys.Checkpoints(run), 1000, continuation));
            keys.AddRange(page.Items.Select(i => i.Key).Where(k => k.EndsWith(".ckpt", StringComparison.Ordinal)));
            continuation = page.Continuation;
        }
        while (continuation is not null);
        return keys;
    }
}
