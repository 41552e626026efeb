using OrleansSweeps.Contracts.Identity;
using OrleansSweeps.Engine.Statistics;
using OrleansSweeps.Grains.Aggregates;
using OrleansSweeps.Grains.Runs;
using OrleansSweeps.Silo.Blobs;
using OrleansSweeps.Silo.Ledger;

namespace OrleansSweeps.Silo.Activation;

/// <summary>An aggregate's reports (ledger), the runs' moment vectors and its GSNR vector (blobs), and its fenced completion.</summary>
public sealed class LedgerAggregateStore(ILedger ledger, IBlobStore blobs, AggregateId aggregate, Lease lease) : IAggregateStore
{
    public IReadOnlyList<string> ReadReports() =>
        Blocking.Wait(ledger.ReadReportsAsync(aggregate)).Select(r => r.Payload).ToArray();

    public MomentVectors ReadMomentVectors(int replicate, MomentsLocator at)
    {
        var run = BlobKeys.Run(new RunId(aggregate.Sweep, aggregate.Point, replicate));
        // The locator comes from the ledger; it must name this replicate's own blob.
        if (!at.Key.StartsWith(run, StringComparison.Ordinal)) throw new InvalidDataException($"{aggregate} replicate {replicate}: moments locator '{at.Key}' is outside the run");
        var source = $"blob '{at.Key}' bytes {at.Offset}+{at.Length}";
        var bytes = Blocking.Wait(blobs.GetRangeAsync(at.Key, at.Offset, at.Length)) ?? throw new InvalidDataException($"{source}: moment vectors missing");
        if (bytes.Length != at.Length) throw new InvalidDataException($"{source}: truncated ({bytes.Length} bytes)");
        return MomentVectors.Deserialize(bytes, source);
    }

    public void WriteCrossRunGsnr(byte[] blob) => Blocking.Wait(blobs.PutAsync(BlobKeys.Aggregate(aggregate), blob));

    public bool Complete(string result) => Blocking.Wait(ledger.CompleteAggregateAsync(lease, result));
}
