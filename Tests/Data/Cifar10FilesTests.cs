using OrleansSweeps.Engine.Data;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Data;

/// <summary>The CIFAR-10 binary loader on generated files: exact values, and one-line errors naming the file.</summary>
public sealed class Cifar10FilesTests
{
    // The documented standardisation, written out here rather than taken from the loader.
    private static readonly double[] Means = [0.4914, 0.4822, 0.4465];
    private static readonly double[] Stds = [0.2470, 0.2435, 0.2616];

    [Fact]
    public void Training_batches_and_test_batch_round_trip_exactly()
    {
        using var dir = new TempDirectory();
        CifarFiles.Write(dir.Path, perBatch: 40, testCount: 100);

        var train = Cifar10Files.LoadTrain(dir.Path);
        var test = Cifar10Files.LoadTest(dir.Path);

        AssertMatches(CifarFiles.Records(0, 200, seed: 1), train);
        AssertMatches(CifarFiles.Records(0, 100, seed: 2), test);
        Assert.Equal(Enumerable.Repeat(20, 10), train.Labels!.CountBy(l => l).OrderBy(p => p.Key).Select(p => p.Value));
    }

    [Fact]
    public void The_tarball_directory_below_the_configured_one_is_found()
    {
        using var dir = new TempDirectory();
        CifarFiles.Write(dir.Combine(Cifar10Files.TarballDirectory), perBatch: 2, testCount: 3);

        Assert.Equal(10, Cifar10Files.LoadTrain(dir.Path).Count);
        Assert.Equal(3, Cifar10Files.LoadTest(dir.Path).Count);
    }

    [Fact]
    public void A_truncated_file_is_reported_with_its_path()
    {
        using var dir = new TempDirectory();
        CifarFiles.Write(dir.Path, perBatch: 3, testCount: 3);
        var path = dir.Combine("data_batch_4.bin");
        File.WriteAllBytes(path, CifarFiles.Records(0, 3, seed: 1)[..(2 * Cifar10Files.RecordBytes + 100)]);

        var error = Assert.Throws<InvalidDataException>(() => Cifar10Files.LoadTrain(dir.Path));

        Assert.StartsWith(path + ": ", error.Message);
        Assert.Contains("6246 bytes is not a whole number of 3073-byte records", error.Message);
        Assert.Contains("truncated", error.Message);
        AssertOneLine(error.Message);
    }

    [Fact]
    public void An_empty_file_is_reported_with_its_path()
    {
        using var dir = new TempDirectory();
        CifarFiles.Write(dir.Path, perBatch: 3, testCount: 3);
        var path = dir.Combine(Cifar10Files.TestBatch);
        File.WriteAllBytes(path, []);

        var error = Assert.Throws<InvalidDataException>(() => Cifar10Files.LoadTest(dir.Path));

        Assert.StartsWith(path + ": ", error.Message);
        Assert.Contains("empty", error.Message);
        AssertOneLine(error.Message);
    }

    [Fact]
    public void A_label_above_nine_is_reported_with_file_and_record()
    {
        using var dir = new TempDirectory();
        CifarFiles.Write(dir.Path, perBatch: 3, testCount: 3);
        var path = dir.Combine("data_batch_2.bin");
        var bytes = CifarFiles.Records(3, 3, seed: 1);
        bytes[2 * Cifar10Files.RecordBytes] = 10;
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<InvalidDataException>(() => Cifar10Files.LoadTrain(dir.Path));

        Assert.StartsWith(path + ": ", error.Message);
        Assert.Contains("label 10 at record 2", error.Message);
        AssertOneLine(error.Message);
    }

    [Fact]
    public void A_missing_file_is_file_not_found_naming_the_path()
    {
        using var dir = new TempDirectory();
        CifarFiles.Write(dir.Path, perBatch: 3, testCount: 3);
        var path = dir.Combine("data_batch_3.bin");
        File.Delete(path);

        var error = Assert.Throws<FileNotFoundException>(() => Cifar10Files.LoadTrain(dir.Path));

        Assert.StartsWith(path + ": ", error.Message);
        Assert.Contains(Cifar10Files.DirectoryVariable, error.Message);
        AssertOneLine(error.Message);
    }

    private static void AssertMatches(byte[] records, Examples examples)
    {
        var count = records.Length / 3073;
        Assert.Equal(count, examples.Count);
        Assert.Equal([3, 32, 32], examples.ExampleShape);
        Assert.Equal(10, examples.Classes);
        for (var n = 0; n < count; n++)
        {
            Assert.Equal(records[n * 3073], examples.Labels![n]);
            for (var i = 0; i < 3072; i++)
            {
                var c = i / 1024;
                var expected = (float)((records[n * 3073 + 1 + i] / 255.0 - Means[c]) / Stds[c]);
                if (expected != examples.Inputs[n * 3072 + i])
                    Assert.Fail($"record {n}, value {i}: expected {expected}, got {examples.Inputs[n * 3072 + i]}");
            }
        }
    }

    private static void AssertOneLine(string message) =>
        Assert.False(message.Contains('\n') || message.Contains('\r'), $"message is not one line: {message}");
}
