using OrleansSweeps.Engine.Data;

namespace OrleansSweeps.Tests.TestSupport;

/// <summary>
/// Small valid CIFAR-10 binary files (the official record format), deterministic: record k (numbered
/// across the five training batches, or within the test batch) has label k mod 10, so every class
/// appears once per 10 records, and pixels that are random bytes in [0, 160) plus 95 in a band of
/// rows 3c..3c+2 of channel c mod 3 for class c, so a model can learn the classes.
/// </summary>
public static class CifarFiles
{
    /// <summary>Writes data_batch_1..5.bin with <paramref name="perBatch"/> records each and test_batch.bin with <paramref name="testCount"/>.</summary>
    public static void Write(string directory, int perBatch = 40, int testCount = 100)
    {
        Directory.CreateDirectory(directory);
        for (var b = 0; b < Cifar10Files.TrainBatches.Count; b++)
        {
            File.WriteAllBytes(Path.Combine(directory, Cifar10Files.TrainBatches[b]), Records(b * perBatch, perBatch, seed: 1));
        }
        File.WriteAllBytes(Path.Combine(directory, Cifar10Files.TestBatch), Records(0, testCount, seed: 2));
    }

    /// <summary>Records <paramref name="first"/> .. first + count − 1 of a split (training: seed 1, test: seed 2).</summary>
    public static byte[] Records(int first, int count, ulong seed)
    {
        var bytes = new byte[count * Cifar10Files.RecordBytes];
        for (var r = 0; r < count; r++)
        {
            var k = first + r;
            var label = k % Cifar10Files.Classes;
            var record = bytes.AsSpan(r * Cifar10Files.RecordBytes, Cifar10Files.RecordBytes);
            record[0] = (byte)label;
            var random = new DeterministicRandom(seed * 1_000_003UL + (ulong)k);
            for (var i = 0; i < Cifar10Files.ImageBytes; i++)
            {
                var channel = i / 1024;
                var row = i % 1024 / 32;
                var band = channel == label % 3 && row / 3 == label;
                record[1 + i] = (byte)(random.NextInt(160) + (band ? 95 : 0));
            }
        }
        return bytes;
    }
}
