using System.Security.Cryptography;
using System.Text;
using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Silo.Blobs;
using OrleansSweeps.Silo.Ledger.Sqlite;

namespace OrleansSweeps.Silo.Storage;

/// <summary>
/// The embedded store under <c>--home</c> (default <c>.sweeps/</c>): the ledger <c>ledger.db</c> and the blob
/// store <c>blobs/</c>, laid out as DESIGN.md says: <c>blobs/sweeps/{sweep}/spec.yaml</c>,
/// <c>…/runs/{point}/{replicate}/curves.csv</c>, <c>…/checkpoints/{step}.ckpt</c>, <c>…/results/*.csv</c>.
/// </summary>
public sealed class SweepHome(string root)
{
    public const string DefaultRoot = ".sweeps";

    public string Root { get; } = Path.GetFullPath(root);

    public string LedgerPath => Path.Combine(Root, SqliteLedger.FileName);

    /// <summary>Whether a ledger was ever created here (verbs other than <c>run</c> need one).</summary>
    public bool Exists => File.Exists(LedgerPath);

    /// <summary>The sweep's folder in the blob store (spec, runs, aggregates, results).</summary>
    public string SweepDirectory(string sweep) => Path.Combine(Root, FileBlobStore.DirectoryName, "sweeps", sweep);

    /// <summary>
    /// Default sweep id: the spec's name and the first 8 hex digits of the SHA-256 of its text, so
    /// running the same spec again continues the same sweep (finished runs are not repeated).
    /// </summary>
    public static string DefaultSweepId(SweepSpec spec)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(spec.Text)));
        return $"{spec.Name}-{hash[..8]}";
    }
}
