using OrleansSweeps.Contracts.Identity;
using OrleansSweeps.Engine.Statistics;
using OrleansSweeps.Grains.Aggregates;
using OrleansSweeps.Silo.Blobs;
using OrleansSweeps.Silo.Ledger;

namespace OrleansSweeps.Silo.Activation;

/// <summary>An aggregate's reports (ledger), the runs' moment vectors and its GSNR vector (blobs), and its fenced completion.</summary>
public sealed class LedgerAggregateStore(ILedger ledger, IBlobStore blobs, AggregateId aggregate, Lease lease) : IAggregateStore
{
    public IReadOnlyList<string> ReadReports() =>
        Blocking.Wait(ledger.ReadReportsAsync(aggregate)).Select(r => r.Payload).ToArray();

    public MomentVectors ReadMomentVectors(int replicate)
    {
        var key = BlobKeys.Moments(new RunId(aggregate.Sweep, aggregate.Point, replicate), aggregate.Step);
        var blob = Blocking.Wait(blobs.GetAsync(key)) ?? throw new InvalidDataException($"blob '{key}': moment vectors missing");
        return MomentVectors.Deserialize(blob.Content, $"blob '{key}'");
    }

    public void WriteCrossRunGsnr(byte[] blob) => Blocking.Wait(blobs.PutAsync(BlobKeys.Aggregate(aggregate), blob));

    public bool Complete(string result) => Blocking.Wait(ledger.CompleteAggregateAsync(lease, result));
}
