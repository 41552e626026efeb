using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Engine.Data;

namespace OrleansSweeps.Client.Commands;

/// <summary>
/// The data files a sweep reads, checked on this machine before anything is written (<c>validate</c>, and <c>run</c> /
/// <c>resume</c> when this process trains). Not for <c>run --detach</c>: cluster silos read their own copies.
/// </summary>
internal static class DataCheck
{
    /// <summary>Throws <see cref="FileNotFoundException"/> naming the spec and the first data file that is missing or empty.</summary>
    public static void Require(SweepSpec sweep)
    {
        foreach (var (kind, path) in sweep.Points.Select(p => (p.Spec.Dataset.Kind, p.Spec.Dataset.Path)).Distinct())
            if (DataFiles.Problem(kind, path) is { } problem)
                throw new FileNotFoundException($"{sweep.SourcePath}: {problem}");
    }
}
