using System.Text;
using OrleansSweeps.Contracts.Identity;
using OrleansSweeps.Grains.Sweeps;
using OrleansSweeps.Silo.Blobs;
using OrleansSweeps.Silo.Ledger;

namespace OrleansSweeps.Silo.Activation;

/// <summary>The sweep grain's port over the ledger (registration, counts, aggregates) and the blob store (spec, results).</summary>
public sealed class LedgerSweepStore(ILedger ledger, IBlobStore blobs) : ISweepStore
{
    public string? ReadSpec(string sweep) =>
        Blocking.Wait(blobs.GetAsync(BlobKeys.Spec(sweep))) is { } blob ? Encoding.UTF8.GetString(blob.Content) : null;

    public void WriteSpec(string sweep, string text) =>
        Blocking.Wait(blobs.PutAsync(BlobKeys.Spec(sweep), Encoding.UTF8.GetBytes(text), BlobCondition.CreateOnly));

    public string? ReadEngine(string sweep) =>
        Blocking.Wait(blobs.GetAsync(BlobKeys.Engine(sweep))) is { } blob ? Encoding.UTF8.GetString(blob.Content) : null;

    public void WriteEngine(string sweep, string engine) =>
        Blocking.Wait(blobs.PutAsync(BlobKeys.Engine(sweep), Encoding.UTF8.GetBytes(engine), BlobCondition.CreateOnly));

    public void Register(string sweep, string specText, IReadOnlyList<(int Point, string Parameters, int Replicates, string Device)> points) =>
        Blocking.Wait(ledger.RegisterSweepAsync(new SweepDefinition(sweep, specText,
            points.Select(p => new PointDefinition(p.Point, p.Parameters, p.Replicates, DeviceKind.Of(p.Device))).ToArray())));

    public SweepProgress? Progress(string sweep) =>
        Blocking.Wait(ledger.GetSweepStatusAsync(sweep)) is { } s
            ? new SweepProgress(s.Runs.Total, s.Runs.Completed, s.Runs.Failed, s.Aggregates.Ready,
                s.Aggregates.Completed, s.State == SweepState.Cancelled)
            : null;

    public string? ReadAggregate(AggregateId aggregate) => Blocking.Wait(ledger.ReadAggregateResultAsync(aggregate));

    public void WriteResult(string sweep, string name, string text) =>
        Blocking.Wait(blobs.PutAsync(BlobKeys.Result(sweep, name), Encoding.UTF8.GetBytes(text)));
}
