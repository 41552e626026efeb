namespace OrleansSweeps.Contracts.Specs;

/// <summary>
/// When a run records its curves. Exactly one of: an explicit list of steps, every k steps, or a
/// number of log-spaced steps. Step t means "the parameters after t updates"; step 0 is θ0.
/// </summary>
public sealed record RecordSpec(IReadOnlyList<int>? Steps, int Every, int LogSpaced)
{
    /// <summary>The recorded steps for a run of <paramref name="totalSteps"/> updates, sorted, distinct.</summary>
    /// <remarks>
    /// every k: 0, k, 2k, … and the final step. log_spaced c: 0 and round(10^(i·log10(T)/(c−1))),
    /// i = 0..c−1, deduplicated (so short runs may record fewer than c steps).
    /// </remarks>
    public IReadOnlyList<int> Resolve(int totalSteps)
    {
        var steps = new SortedSet<int>();
        if (Steps is not null)
        {
            steps.UnionWith(Steps);
        }
        else if (Every > 0)
        {
            for (var t = 0; t <= totalSteps; t += Every) steps.Add(t);
            steps.Add(totalSteps);
        }
        else
        {
            steps.Add(0);
            var top = Math.Log10(Math.Max(1, totalSteps));
            for (var i = 0; i < LogSpaced; i++)
            {
                var x = LogSpaced == 1 ? top : i * top / (LogSpaced - 1);
                steps.Add((int)Math.Min(totalSteps, Math.Round(Math.Pow(10, x))));
            }
        }
        return steps.ToArray();
    }
}
