using OrleansSweeps.Contracts.Specs;

namespace OrleansSweeps.Engine.Data;

/// <summary>
/// The data of one sweep point: the common test set, and the training set of each replicate
/// (drawn by <see cref="SeedScheme"/> streams <c>test</c>, <c>train/m</c>, <c>label-noise/m</c>).
/// MNIST and CIFAR-10 are pools read from files (stratified samples of them); a corruption
/// (<see cref="MotionBlur"/>) applies to the whole pool and test set, done here on the selected images
/// only, which gives the same images because each image's blur depends only on its pool index.
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
            case DatasetKind.Cifar10:
                var (pool, fullTest) = PoolCache.Get(d.Kind, d.Path);
                var indices = d.TestSize >= fullTest.Count
                    ? Enumerable.Range(0, fullTest.Count).ToArray()
                    : StratifiedSampler.Sample(fullTest.Labels!, fullTest.Classes, d.TestSize, testSeed);
                var test = indices.Length == fullTest.Count ? fullTest : fullTest.Select(indices);
                return new DataPlan(spec, pool, Corrupt(spec, test, indices, MotionBlur.TestSplit));
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
            DatasetKind.Mnist or DatasetKind.Cifar10 => FromPool(seed),
            DatasetKind.ToyProduct => SyntheticData.ToyProduct(_spec.TrainSize, d.Noise, seed),
            DatasetKind.TwoCircles => SyntheticData.TwoCircles(_spec.TrainSize, d.Noise, d.CircleFactor, seed),
            _ => throw new InvalidOperationException($"unknown dataset kind {d.Kind}"),
        };
        if (d.LabelNoise is not { Fraction: > 0 } noise) return clean;
        var noisy = LabelNoise.Apply(clean.Labels!, clean.Classes, noise, SeedScheme.Derive(_spec.Seed, "label-noise", replicate));
        return clean.WithLabels(noisy.Labels, noisy.Corrupt);
    }

    private Examples FromPool(ulong seed)
    {
        if (_spec.TrainSize > _pool!.Count)
            throw new InvalidDataException($"train_size {_spec.TrainSize} exceeds the {_pool.Count} training images found for {_spec.Dataset.Kind}");
        var indices = StratifiedSampler.Sample(_pool.Labels!, _pool.Classes, _spec.TrainSize, seed);
        return Corrupt(_spec, _pool.Select(indices), indices, MotionBlur.PoolSplit);
    }

    private static Examples Corrupt(RunSpec spec, Examples images, IReadOnlyList<int> poolIndices, int split) =>
        spec.Dataset.Corruption is { } corruption ? MotionBlur.Apply(images, poolIndices, corruption, spec.Seed, split) : images;
}

/// <summary>
/// Image pools read once per process, data set and directory: MNIST (60,000 + 10,000 images, about
/// 220 MB as floats), CIFAR-10 (50,000 + 10,000, about 740 MB). Kept uncorrupted: blur is applied to
/// the selected images, so one pool serves every corruption setting of a grid.
/// </summary>
internal static class PoolCache
{
    private static readonly Dictionary<(DatasetKind, string), (Examples Train, Examples Test)> Loaded = [];
    private static readonly Lock Gate = new();

    /// <param name="path">dataset.path, or null for the data set's default directory.</param>
    public static (Examples Train, Examples Test) Get(DatasetKind kind, string? path)
    {
        var directory = Path.GetFullPath(path ?? (kind == DatasetKind.Cifar10 ? Cifar10Files.DefaultDirectory : MnistFiles.DefaultDirectory));
        lock (Gate)
        {
            if (!Loaded.TryGetValue((kind, directory), out var sets))
            {
                sets = kind switch
                {
                    DatasetKind.Mnist => (MnistFiles.LoadTrain(directory), MnistFiles.LoadTest(directory)),
                    DatasetKind.Cifar10 => (Cifar10Files.LoadTrain(directory), Cifar10Files.LoadTest(directory)),
                    _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a data set read from files"),
                };
                Loaded[(kind, directory)] = sets;
            }
            return sets;
        }
    }
}
