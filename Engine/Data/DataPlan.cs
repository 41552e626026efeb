using OrleansSweeps.Contracts.Specs;

namespace OrleansSweeps.Engine.Data;

/// <summary>
/// The data of one sweep point: the common test set, and the training set of each replicate
/// (drawn by <see cref="SeedScheme"/> streams <c>test</c>, <c>train/m</c>, <c>label-noise/m</c>).
/// </summary>
public sealed class DataPlan
{
    private readonly RunSpec _spec;
    private readonly Examples? _pool;

    private DataPlan(RunSpec spec, Examples? pool, Examples test)
    {
        _spec = spec;
        _pool = pool;
        Test = test;
    }

    /// <summary>The held-out test set every replicate of the point is evaluated on.</summary>
    public Examples Test { get; }

    public static DataPlan For(RunSpec spec)
    {
        var d = spec.Dataset;
        var testSeed = SeedScheme.Derive(spec.Seed, "test");
        switch (d.Kind)
        {
            case DatasetKind.Mnist:
                var (pool, fullTest) = MnistCache.Get(d.Path ?? MnistFiles.DefaultDirectory);
                var test = d.TestSize >= fullTest.Count
                    ? fullTest
                    : fullTest.Select(StratifiedSampler.Sample(fullTest.Labels!, fullTest.Classes, d.TestSize, testSeed));
                return new DataPlan(spec, pool, test);
            case DatasetKind.ToyProduct:
                return new DataPlan(spec, null, SyntheticData.ToyProduct(d.TestSize, d.Noise, testSeed));
            case DatasetKind.TwoCircles:
                return new DataPlan(spec, null, SyntheticData.TwoCircles(d.TestSize, d.Noise, d.CircleFactor, testSeed));
            default:
                throw new ArgumentOutOfRangeException(nameof(spec), d.Kind, "unknown dataset kind");
        }
    }

    /// <summary>Replicate <paramref name="replicate"/>'s training set of <see cref="RunSpec.TrainSize"/> examples, noise applied.</summary>
    public Examples TrainingSet(int replicate)
    {
        var d = _spec.Dataset;
        var seed = SeedScheme.Derive(_spec.Seed, "train", replicate);
        var clean = d.Kind switch
        {
            DatasetKind.Mnist => _pool!.Select(StratifiedSampler.Sample(_pool.Labels!, _pool.Classes, _spec.TrainSize, seed)),
            DatasetKind.ToyProduct => SyntheticData.ToyProduct(_spec.TrainSize, d.Noise, seed),
            DatasetKind.TwoCircles => SyntheticData.TwoCircles(_spec.TrainSize, d.Noise, d.CircleFactor, seed),
            _ => throw new InvalidOperationException($"unknown dataset kind {d.Kind}"),
        };
        if (d.LabelNoise is not { Fraction: > 0 } noise) return clean;
        var noisy = LabelNoise.Apply(clean.Labels!, clean.Classes, noise, SeedScheme.Derive(_spec.Seed, "label-noise", replicate));
        return clean.WithLabels(noisy.Labels, noisy.Corrupt);
    }
}

/// <summary>MNIST read once per process and directory (60,000 + 10,000 images, about 220 MB as floats).</summary>
internal static class MnistCache
{
    private static readonly Dictionary<string, (Examples Train, Examples Test)> Loaded = new(StringComparer.Ordinal);
    private static readonly Lock Gate = new();

    public static (Examples Train, Examples Test) Get(string directory)
    {
        var key = Path.GetFullPath(directory);
        lock (Gate)
        {
            if (!Loaded.TryGetValue(key, out var sets))
            {
                sets = (MnistFiles.LoadTrain(key), MnistFiles.LoadTest(key));
                Loaded[key] = sets;
            }
            return sets;
        }
    }
}
