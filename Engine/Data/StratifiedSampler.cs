namespace OrleansSweeps.Engine.Data;

/// <summary>
/// Draws a subset of a labelled pool without replacement whose class proportions match the pool's:
/// class c gets floor(n·p_c) examples, and the remaining slots go to the classes with the largest
/// fractional parts (largest-remainder method; ties to the smaller class index).
/// </summary>
public static class StratifiedSampler
{
    /// <returns>Pool indices, sorted ascending.</returns>
    public static int[] Sample(IReadOnlyList<long> labels, int classes, int count, ulong seed)
    {
        if (count > labels.Count) throw new ArgumentOutOfRangeException(nameof(count), $"asked for {count} of {labels.Count} examples");
        var byClass = Enumerable.Range(0, classes).Select(_ => new List<int>()).ToArray();
        for (var i = 0; i < labels.Count; i++) byClass[labels[i]].Add(i);
        var quotas = Quotas(byClass.Select(c => c.Count).ToArray(), count);
        var rng = new DeterministicRandom(seed);
        var chosen = new List<int>(count);
        for (var c = 0; c < classes; c++)
        {
            var members = byClass[c].ToArray();
            // Partial Fisher–Yates: the first quota entries become a uniform sample without replacement.
            for (var i = 0; i < quotas[c]; i++)
            {
                var j = i + rng.NextInt(members.Length - i);
                (members[i], members[j]) = (members[j], members[i]);
            }
            chosen.AddRange(members.AsSpan(0, quotas[c]).ToArray());
        }
        chosen.Sort();
        return chosen.ToArray();
    }

    /// <summary>Per-class counts summing to <paramref name="count"/>, proportional to <paramref name="sizes"/>.</summary>
    public static int[] Quotas(int[] sizes, int count)
    {
        long total = sizes.Sum();
        var quotas = new int[sizes.Length];
        var remainders = new (long Remainder, int Class)[sizes.Length];
        for (var c = 0; c < sizes.Length; c++)
        {
            quotas[c] = (int)((long)count * sizes[c] / total);
            remainders[c] = ((long)count * sizes[c] % total, c);
        }
        var left = count - quotas.Sum();
        foreach (var (_, c) in remainders.OrderByDescending(r => r.Remainder).ThenBy(r => r.Class).Take(left)) quotas[c]++;
        return quotas;
    }
}
