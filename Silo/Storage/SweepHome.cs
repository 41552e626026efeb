using System.Security.Cryptography;
using System.Text;
using OrleansSweeps.Contracts.Identity;
using OrleansSweeps.Contracts.Specs;

namespace OrleansSweeps.Silo.Storage;

/// <summary>
/// The embedded store under <c>--home</c> (default <c>.sweeps/</c>), laid out like the blob layout of
/// DESIGN.md: <c>sweeps/{sweep}/spec.yaml</c>, <c>…/runs/{point}/{replicate}/curves.csv</c>,
/// <c>…/runs/{point}/{replicate}/checkpoints/{step}.ckpt</c>, <c>…/results/*.csv</c>.
/// </summary>
public sealed class SweepHome(string root)
{
    public const string DefaultRoot = ".sweeps";

    public string Root { get; } = Path.GetFullPath(root);

    public string SweepDirectory(string sweep) => Path.Combine(Root, "sweeps", sweep);

    public string SpecPath(string sweep) => Path.Combine(SweepDirectory(sweep), "spec.yaml");

    public string RunDirectory(RunId id) => Path.Combine(SweepDirectory(id.Sweep), "runs", id.PointId, id.ReplicateId);

    public string ResultsDirectory(string sweep) => Path.Combine(SweepDirectory(sweep), "results");

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
