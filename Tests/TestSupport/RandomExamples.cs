using OrleansSweeps.Engine.Data;

namespace OrleansSweeps.Tests.TestSupport;

/// <summary>Small seeded data sets for engine tests: the same seed gives the same examples everywhere.</summary>
public static class RandomExamples
{
    /// <summary>Inputs uniform on [−1, 1) of <paramref name="shape"/>, targets uniform on [−1, 1).</summary>
    public static Examples Regression(int count, int[] shape, int targetDim, ulong seed)
    {
        var rng = new DeterministicRandom(seed);
        var inputs = Uniform(rng, count * shape.Aggregate(1, (a, b) => a * b));
        return new Examples(inputs, shape, null, 0, Uniform(rng, count * targetDim), targetDim);
    }

    /// <summary>Inputs uniform on [−1, 1) of <paramref name="shape"/>, labels uniform over <paramref name="classes"/>.</summary>
    public static Examples Classification(int count, int[] shape, int classes, ulong seed)
    {
        var rng = new DeterministicRandom(seed);
        var inputs = Uniform(rng, count * shape.Aggregate(1, (a, b) => a * b));
        var labels = Enumerable.Range(0, count).Select(_ => (long)rng.NextInt(classes)).ToArray();
        return new Examples(inputs, shape, labels, classes, null, 0);
    }

    private static float[] Uniform(DeterministicRandom rng, int count) =>
        Enumerable.Range(0, count).Select(_ => (float)rng.NextDouble(-1, 1)).ToArray();
}
