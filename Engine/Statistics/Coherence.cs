using OrleansSweeps.Engine.Data;
using OrleansSweeps.Engine.Models;

namespace OrleansSweeps.Engine.Statistics;

/// <summary>
/// Loss-reduction attribution of the coherent-gradients paper (SCIENCE.md §4). With g = Σ_i ∇L_i = g_p + g_c
/// over the chosen examples, f_p = g·g_p/‖g‖² and f_c = g·g_c/‖g‖², so f_p + f_c = 1. Each example's share
/// s_i = ∇L_i·g comes from a double-backward pass (no per-example gradient), so
/// f_p = Σ_{i pristine} s_i / Σ_i s_i, and every null world (flags permuted) is a re-summation.
/// </summary>
/// <param name="Pristine">f_p.</param>
/// <param name="Corrupt">f_c.</param>
/// <param name="NullPristine">f_p in each null world, in world order (empty without null worlds).</param>
/// <param name="Shares">s_i = ∇L_i·g per example, in selection order.</param>
public sealed partial record Coherence(double Pristine, double Corrupt, double[] NullPristine, double[] Shares)
{
    /// <param name="examples">Selected examples (empty: all of <paramref name="data"/>).</param>
    /// <param name="corrupt">Corrupt flag of every example of <paramref name="data"/>.</param>
    /// <param name="nullWorlds">Number of null worlds (flags of world k: <see cref="NullWorld"/>).</param>
    public static Coherence Compute(NativeModel model, TensorData data, ReadOnlySpan<long> examples, bool[] corrupt,
        int nullWorlds, ulong nullSeed)
    {
        var selection = examples.IsEmpty ? Enumerable.Range(0, data.Count).Select(i => (long)i).ToArray() : examples.ToArray();
        var (_, mean) = model.LossGradient(data, examples);
        var shares = Projections(model, data, examples, mean);
        var flags = selection.Select(i => corrupt[i]).ToArray();
        var pristine = PristineShare(shares, flags);
        var worlds = new double[nullWorlds];
        for (var k = 0; k < nullWorlds; k++) worlds[k] = PristineShare(shares, NullWorld(flags, nullSeed, k));
        return new Coherence(pristine, 1 - pristine, worlds, shares);
    }

    /// <summary>The flags of null world <paramref name="world"/>: a seeded permutation (same corrupt count).</summary>
    public static bool[] NullWorld(bool[] flags, ulong seed, int world)
    {
        var permuted = (bool[])flags.Clone();
        new DeterministicRandom(SeedScheme.Derive(seed, "world", world)).Shuffle(permuted.AsSpan());
        return permuted;
    }

    /// <summary>Σ over examples not flagged of s_i, over Σ_i s_i (NaN when ‖g‖ = 0).</summary>
    public static double PristineShare(double[] shares, bool[] corrupt)
    {
        double total = 0, pristine = 0;
        for (var i = 0; i < shares.Length; i++)
        {
            total += shares[i];
            if (!corrupt[i]) pristine += shares[i];
        }
        return total == 0 ? double.NaN : pristine / total;
    }
}
