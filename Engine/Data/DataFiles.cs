using OrleansSweeps.Contracts.Specs;

namespace OrleansSweeps.Engine.Data;

/// <summary>
/// Whether the files a data set is read from are where its spec says, checked before a sweep is registered or trained:
/// a wrong <c>dataset.path</c> is the user's to fix, and found by <c>validate</c> rather than by every run failing.
/// Only presence and emptiness are checked here; the loaders check contents when a run reads them.
/// </summary>
public static class DataFiles
{
    /// <summary>What is wrong with the files of <paramref name="kind"/> at <paramref name="path"/> (null: the default directory); null when they are there.</summary>
    public static string? Problem(DatasetKind kind, string? path)
    {
        var (name, directory, files, hint) = kind switch
        {
            DatasetKind.Mnist => ("MNIST", path ?? MnistFiles.DefaultDirectory,
                (IReadOnlyList<string>)[MnistFiles.TrainImages, MnistFiles.TrainLabels, MnistFiles.TestImages, MnistFiles.TestLabels],
                $"run scripts/fetch-mnist.sh or set {MnistFiles.DirectoryVariable}"),
            DatasetKind.Cifar10 => ("CIFAR-10", Cifar10Files.Resolve(path ?? Cifar10Files.DefaultDirectory),
                [.. Cifar10Files.TrainBatches, Cifar10Files.TestBatch],
                $"put the binary version's .bin files there, or set {Cifar10Files.DirectoryVariable}"),
            _ => ("", "", [], ""),
        };
        if (path is not null) hint = "check dataset.path";
        foreach (var file in files)
        {
            var full = Path.Combine(directory, file);
            if (!File.Exists(full)) return $"{full}: {name} file not found ({hint})";
            if (new FileInfo(full).Length == 0) return $"{full}: empty {name} file";
        }
        return null;
    }
}
