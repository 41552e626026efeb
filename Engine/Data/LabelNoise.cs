using OrleansSweeps.Contracts.Specs;

namespace OrleansSweeps.Engine.Data;

/// <summary>
/// Label noise with exact bookkeeping. Exactly k = round(fraction·n) examples, chosen uniformly, are
/// flagged corrupt (a fixed count rather than n Bernoulli draws: the same fraction for every replicate).
/// <list type="bullet">
/// <item>Random (SCIENCE.md §2): each corrupt example gets a uniformly random label out of all classes,
///   so about 1/classes of them keep their true label by chance, as in the paper's p_random.</item>
/// <item>Permute (SCIENCE.md §4): the corrupt examples' labels are permuted among themselves, so the
///   label histogram is unchanged.</item>
/// </list>
/// The flag means "label chosen by noise", not "label differs"; <see cref="Result.Changed"/> counts the latter.
/// </summary>
public static class LabelNoise
{
    public sealed record Result(long[] Labels, bool[] Corrupt)
    {
        public int CorruptCount => Corrupt.Count(c => c);

        public int Changed { get; init; }
    }

    public static int CorruptCount(int n, double fraction) => (int)Math.Round(fraction * n, MidpointRounding.AwayFromZero);

    public static Result Apply(IReadOnlyList<long> labels, int classes, LabelNoiseSpec spec, ulong seed)
    {
        var n = labels.Count;
        var rng = new DeterministicRandom(seed);
        var order = Enumerable.Range(0, n).ToArray();
        rng.Shuffle(order.AsSpan());
        var chosen = order.Take(CorruptCount(n, spec.Fraction)).Order().ToArray();
        var result = labels.ToArray();
        var corrupt = new bool[n];
        foreach (var i in chosen) corrupt[i] = true;
        if (spec.Mode == LabelNoiseMode.Random)
        {
            foreach (var i in chosen) result[i] = rng.NextInt(classes);
        }
        else
        {
            var shuffled = chosen.Select(i => labels[i]).ToArray();
            rng.Shuffle(shuffled.AsSpan());
            for (var k = 0; k < chosen.Length; k++) result[chosen[k]] = shuffled[k];
        }
        var changed = Enumerable.Range(0, n).Count(i => result[i] != labels[i]);
        return new Result(result, corrupt) { Changed = changed };
    }
}
