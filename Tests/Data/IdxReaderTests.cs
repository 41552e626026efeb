using System.Buffers.Binary;
using OrleansSweeps.Engine.Data;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Data;

/// <summary>The IDX reader and MNIST loader on the real files and on corrupt ones.</summary>
public sealed class IdxReaderTests
{
    private static readonly long[] TrainHistogram = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949];
    private static readonly long[] TestHistogram = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009];

    [Theory]
    [InlineData(MnistFiles.TrainImages, MnistFiles.TrainLabels, 60_000)]
    [InlineData(MnistFiles.TestImages, MnistFiles.TestLabels, 10_000)]
    public void Real_mnist_files_have_the_published_shapes(string imagesFile, string labelsFile, int count)
    {
        var images = IdxReader.Read(RealMnist.File(imagesFile));
        var labels = IdxReader.Read(RealMnist.File(labelsFile));

        Assert.Equal([count, 28, 28], images.Shape);
        Assert.Equal(count * 28 * 28, images.Values.Length);
        Assert.Equal([count], labels.Shape);
        Assert.Equal(count, labels.Values.Length);
    }

    [Fact]
    public void Real_mnist_label_histograms_are_exact()
    {
        Assert.Equal(TrainHistogram, Histogram(RealMnist.Train.Labels!));
        Assert.Equal(TestHistogram, Histogram(RealMnist.Test.Labels!));
    }

    [Fact]
    public void Real_mnist_pixels_are_scaled_to_the_unit_interval()
    {
        foreach (var set in new[] { RealMnist.Train, RealMnist.Test })
        {
            Assert.Equal([1, 28, 28], set.ExampleShape);
            Assert.Equal(10, set.Classes);
            Assert.Equal(0f, set.Inputs.Min());
            Assert.Equal(1f, set.Inputs.Max());
            Assert.DoesNotContain(true, set.Corrupt);
        }
        Assert.Equal(60_000, RealMnist.Train.Count);
        Assert.Equal(10_000, RealMnist.Test.Count);
    }

    [Theory]
    [InlineData(3, "truncated")]
    [InlineData(10, "truncated IDX header")]
    public void Truncated_header_is_reported_with_the_path(int keep, string expected)
    {
        using var dir = new TempDirectory();
        var path = Write(dir, "f", Idx(0x08, [2, 3, 4], new byte[24])[..keep]);

        var error = Assert.Throws<InvalidDataException>(() => IdxReader.Read(path));

        Assert.Contains(path, error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Theory]
    [InlineData(23, "truncated")]
    [InlineData(25, "trailing bytes")]
    public void Data_shorter_or_longer_than_the_header_promises_is_rejected(int length, string expected)
    {
        using var dir = new TempDirectory();
        var path = Write(dir, "f", Idx(0x08, [2, 3, 4], new byte[length]));

        var error = Assert.Throws<InvalidDataException>(() => IdxReader.Read(path));

        Assert.Contains(path, error.Message);
        Assert.Contains(expected, error.Message);
        Assert.Contains($"{length} values", error.Message);
    }

    [Fact]
    public void Sizes_whose_product_overflows_are_truncated_not_accepted()
    {
        // 2^22 · 2^22 · 2^22 = 2^66 wraps to 0 in 64 bits, which would match an empty body.
        using var dir = new TempDirectory();
        var path = Write(dir, "f", Idx(0x08, [1 << 22, 1 << 22, 1 << 22], []));

        var error = Assert.Throws<InvalidDataException>(() => IdxReader.Read(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("truncated", error.Message);
    }

    [Theory]
    [InlineData(new byte[] { 0x01, 0x00, 0x08, 0x01 }, "bad magic")]
    [InlineData(new byte[] { 0x00, 0x00, 0x0D, 0x01 }, "element type 0x0D")]
    [InlineData(new byte[] { 0x00, 0x00, 0x08, 0x00 }, "0 dimensions")]
    [InlineData(new byte[] { 0x00, 0x00, 0x08, 0x05 }, "5 dimensions")]
    public void A_bad_magic_number_is_rejected(byte[] magic, string expected)
    {
        using var dir = new TempDirectory();
        var bytes = Idx(0x08, [4], [1, 2, 3, 4]);
        magic.CopyTo(bytes, 0);
        var path = Write(dir, "f", bytes);

        var error = Assert.Throws<InvalidDataException>(() => IdxReader.Read(path));

        Assert.Contains(path, error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void A_label_that_is_not_a_digit_is_rejected()
    {
        using var dir = new TempDirectory();
        Write(dir, "images", Idx(0x08, [3, 2, 2], new byte[12]));
        var labels = Write(dir, "labels", Idx(0x08, [3], [3, 11, 9]));

        var error = Assert.Throws<InvalidDataException>(() => MnistFiles.Load(dir.Path, "images", "labels"));

        Assert.Contains(labels, error.Message);
        Assert.Contains("label 11 at index 1", error.Message);
    }

    [Fact]
    public void Image_and_label_counts_must_match()
    {
        using var dir = new TempDirectory();
        Write(dir, "images", Idx(0x08, [3, 2, 2], new byte[12]));
        Write(dir, "labels", Idx(0x08, [2], [1, 2]));

        var error = Assert.Throws<InvalidDataException>(() => MnistFiles.Load(dir.Path, "images", "labels"));

        Assert.Contains("2 labels for 3 images", error.Message);
    }

    [Fact]
    public void A_small_valid_pair_loads_exactly()
    {
        using var dir = new TempDirectory();
        Write(dir, "images", Idx(0x08, [2, 1, 2], [0, 51, 255, 102]));
        Write(dir, "labels", Idx(0x08, [2], [7, 0]));

        var examples = MnistFiles.Load(dir.Path, "images", "labels");

        Assert.Equal([0f, 0.2f, 1f, 0.4f], examples.Inputs);
        Assert.Equal([7L, 0L], examples.Labels!);
        Assert.Equal([1, 1, 2], examples.ExampleShape);
    }

    [Theory]
    [InlineData("images")]
    [InlineData("labels")]
    public void A_missing_file_is_file_not_found_naming_the_path(string missing)
    {
        using var dir = new TempDirectory();
        if (missing != "images") Write(dir, "images", Idx(0x08, [1, 1, 1], [0]));
        if (missing != "labels") Write(dir, "labels", Idx(0x08, [1], [0]));
        var path = dir.Combine(missing);

        var load = Assert.Throws<FileNotFoundException>(() => MnistFiles.Load(dir.Path, "images", "labels"));
        var read = Assert.Throws<FileNotFoundException>(() => IdxReader.Read(path));

        Assert.Contains(path, load.Message);
        Assert.Contains(path, read.Message);
        Assert.Equal(path, read.FileName);
    }

    private static long[] Histogram(long[] labels)
    {
        var counts = new long[10];
        foreach (var label in labels) counts[label]++;
        return counts;
    }

    private static byte[] Idx(byte type, int[] shape, byte[] values)
    {
        var bytes = new byte[4 + 4 * shape.Length + values.Length];
        bytes[2] = type;
        bytes[3] = (byte)shape.Length;
        for (var d = 0; d < shape.Length; d++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * d), shape[d]);
        values.CopyTo(bytes, 4 + 4 * shape.Length);
        return bytes;
    }

    private static string Write(TempDirectory dir, string name, byte[] bytes)
    {
        var path = dir.Combine(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
