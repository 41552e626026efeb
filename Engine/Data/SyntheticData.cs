namespace OrleansSweeps.Engine.Data;

/// <summary>The synthetic data sets of SCIENCE.md: the toy product regression and two noisy circles.</summary>
public static class SyntheticData
{
    /// <summary>Appendix A.3 of the GSNR paper: y = x0·x1 + ε, x ~ U[−1,1]², ε ~ U[−η, η].</summary>
    public static Examples ToyProduct(int count, double eta, ulong seed)
    {
        var rng = new DeterministicRandom(seed);
        var inputs = new float[2 * count];
        var targets = new float[count];
        for (var i = 0; i < count; i++)
        {
            var x0 = rng.NextDouble(-1, 1);
            var x1 = rng.NextDouble(-1, 1);
            var noise = eta > 0 ? rng.NextDouble(-eta, eta) : 0.0;
            inputs[2 * i] = (float)x0;
            inputs[2 * i + 1] = (float)x1;
            targets[i] = (float)(x0 * x1 + noise);
        }
        return new Examples(inputs, [2], null, 0, targets, 1);
    }

    /// <summary>
    /// Two concentric circles (as sklearn's make_circles): class 0 on radius 1, class 1 on radius
    /// <paramref name="factor"/>, angle uniform, plus N(0, noise²) on each coordinate. Classes alternate
    /// (even index: outer), so any count is balanced to within one example.
    /// </summary>
    public static Examples TwoCircles(int count, double noise, double factor, ulong seed)
    {
        var rng = new DeterministicRandom(seed);
        var inputs = new float[2 * count];
        var labels = new long[count];
        for (var i = 0; i < count; i++)
        {
            var label = i % 2;
            var radius = label == 0 ? 1.0 : factor;
            var angle = rng.NextDouble(0, 2 * Math.PI);
            inputs[2 * i] = (float)(radius * Math.Cos(angle) + noise * rng.NextGaussian());
            inputs[2 * i + 1] = (float)(radius * Math.Sin(angle) + noise * rng.NextGaussian());
            labels[i] = label;
        }
        return new Examples(inputs, [2], labels, 2, null, 0);
    }
}
