using OrleansSweeps.Contracts.Identity;
using OrleansSweeps.Engine.Statistics;
using OrleansSweeps.Grains.Aggregates;
using OrleansSweeps.Grains.Runs;
using OrleansSweeps.Silo.Blobs;
using OrleansSweeps.Silo.Ledger;

namespace OrleansSweeps.Silo.Activation;

/// <summary>An aggregate's reports (ledger), the runs' moment vectors and its GSNR vector (blobs), and its result, stored once in the ledger.</summary>
public sealed class LedgerAggregateStore(ILedger ledger, IBlobStore blobs, AggregateId aggregate) : IAggregateStore
{
    public IReadOnlyList<string> ReadReports() =>
        Blocking.Wait(ledger.ReadReportsAsync(aggregate)).Select(r => r.Payload).ToArray();

    public MomentVectors ReadMomentVectors(int replicate, MomentsLocator at)
    {
        var moments = BlobKeys.Run(new RunId(aggregate.Sweep, aggregate.Point, replicate)) + "moments/";
        // The locator comes from the ledger; it must name one of this replicate's own moments blobs.
        if (!IsValidKey(at.Key) || !at.Key.StartsWith(moments, StringComparison.Ordinal))
            throw new InvalidDataException($"{aggregate} replicate {replicate}: moments locator names '{at.Key}', outside the run's '{moments}'");
        var source = $"blob '{at.Key}' bytes {at.Offset}+{at.Length}";
        var bytes = Blocking.Wait(blobs.GetRangeAsync(at.Key, at.Offset, at.Length)) ?? throw new InvalidDataException($"{source}: moment vectors missing");
        if (bytes.Length != at.Length) throw new InvalidDataException($"{source}: truncated ({bytes.Length} bytes)");
        return MomentVectors.Deserialize(bytes, source);
    }

    private static bool IsValidKey(string key)
    {
        try
        {
            BlobKeys.Validate(key);
            return true;
        }
        catch (ArgumentException)
        {
            return false; // e.g. '..' segments: a key that could leave the run's prefix
        }
    }

    public void WriteCrossRunGsnr(byte[] blob) => Blocking.Wait(blobs.PutAsync(BlobKeys.Aggregate(aggregate), blob));

    public void Complete(string result) => Blocking.Wait(ledger.RecordAggregateAsync(aggregate, result));
}
