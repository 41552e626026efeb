using System.Text;

namespace OrleansSweeps.Engine.Data;

/// <summary>
/// How every random choice of a sweep derives from the spec's one <c>seed</c>. A stream is named by a
/// purpose and integers; its seed is SplitMix64 folded over the root seed, the FNV-1a hash of the
/// purpose, and the integers. The streams:
/// <list type="bullet">
/// <item><c>test</c>: the common held-out test set (one per sweep point's spec seed).</item>
/// <item><c>train/m</c>: replicate m's training set (drawn from the pool or the distribution).</item>
/// <item><c>label-noise/m</c>: which of replicate m's examples are corrupted, and how.</item>
/// <item><c>init</c> (or <c>init/m</c> when <c>model.share_init</c> is false): θ0. All M replicates of a
///   point share θ0 by default (SCIENCE.md §2).</item>
/// <item><c>batches/m/e</c>: the minibatch order of replicate m in epoch e; stateless, so a resumed run
///   recomputes it from the step.</item>
/// <item><c>trainer/m</c>: the numeric core's generator (dropout, SpectReg), saved in checkpoints.</item>
/// <item><c>blur/s/i</c>: the motion-blur angle of image i of the training pool (s = 0) or test set (s = 1).</item>
/// </list>
/// Streams do not include the grid point: points that differ only in, say, the learning rate see the
/// same data and θ0 (common random numbers), which sharpens comparisons across the grid.
/// </summary>
public static class SeedScheme
{
    public static ulong Derive(ulong root, string purpose, params long[] parts)
    {
        var state = root;
        var x = SplitMix64(ref state) ^ Fnv1a(purpose);
        foreach (var part in parts)
        {
            state = x ^ (ulong)part;
            x = SplitMix64(ref state);
        }
        state = x;
        return SplitMix64(ref state);
    }

    /// <summary>SplitMix64 (Steele, Lea &amp; Flood, 2014): advances <paramref name="state"/> and returns a mixed value.</summary>
    public static ulong SplitMix64(ref ulong state)
    {
        state += 0x9E3779B97F4A7C15UL;
        var z = state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong Fnv1a(string text)
    {
        var hash = 0xCBF29CE484222325UL;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash ^= b;
            hash *= 0x100000001B3UL;
        }
        return hash;
    }
}
