namespace OrleansSweeps.Engine.Data;

/// <summary>
/// Locates and loads CIFAR-10 from the official binary version (cifar-10-binary.tar.gz from
/// https://www.cs.toronto.edu/~kriz/cifar.html): <c>data_batch_1.bin</c> … <c>data_batch_5.bin</c>
/// (10,000 records each, the 50,000-image training pool) and <c>test_batch.bin</c> (10,000). A record is
/// one label byte (0–9) and 3072 pixel bytes, channel-major: 1024 red, 1024 green, 1024 blue, each
/// 32×32 row-major, which is the C×H×W layout the numeric core expects.
/// <para>
/// Pixels become x = (b/255 − mean_c) / std_c with the conventional per-channel training-set means
/// (0.4914, 0.4822, 0.4465) and standard deviations (0.2470, 0.2435, 0.2616), computed in float64 and
/// rounded to float32 once. Standardised inputs keep the first conv layer's pre-activations of order one,
/// as in the usual CIFAR-10 training recipes the GSNR paper's table 3 follows.
/// </para>
/// </summary>
public static class Cifar10Files
{
    public const int Side = 32;
    public const int Channels = 3;
    public const int ImageBytes = Channels * Side * Side;

    /// <summary>One label byte and the image.</summary>
    public const int RecordBytes = 1 + ImageBytes;

    public const int Classes = 10;

    public const string TestBatch = "test_batch.bin";

    /// <summary>The directory inside the official tarball; accepted below the configured directory too.</summary>
    public const string TarballDirectory = "cifar-10-batches-bin";

    /// <summary>Environment variable that overrides the CIFAR-10 directory.</summary>
    public const string DirectoryVariable = "SWEEPS_CIFAR10_DIR";

    public static readonly IReadOnlyList<string> TrainBatches =
        ["data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"];

    public static readonly IReadOnlyList<double> Mean = [0.4914, 0.4822, 0.4465];
    public static readonly IReadOnlyList<double> Std = [0.2470, 0.2435, 0.2616];

    /// <summary><c>$SWEEPS_CIFAR10_DIR</c>, else <c>$XDG_CACHE_HOME/orleans-sweeps/cifar10</c>, else <c>~/.cache/orleans-sweeps/cifar10</c>.</summary>
    public static string DefaultDirectory
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable(DirectoryVariable);
            if (!string.IsNullOrEmpty(configured)) return configured;
            var cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            if (string.IsNullOrEmpty(cache)) cache = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            return Path.Combine(cache, "orleans-sweeps", "cifar10");
        }
    }

    /// <summary>The 50,000-image training pool (the five batches in order).</summary>
    public static Examples LoadTrain(string? directory = null) => Load(Resolve(directory ?? DefaultDirectory), TrainBatches);

    /// <summary>The 10,000 test images.</summary>
    public static Examples LoadTest(string? directory = null) => Load(Resolve(directory ?? DefaultDirectory), [TestBatch]);

    /// <summary>The records of <paramref name="files"/> in <paramref name="directory"/>, concatenated in order.</summary>
    public static Examples Load(string directory, IReadOnlyList<string> files)
    {
        var contents = new List<(string Path, byte[] Bytes)>();
        foreach (var name in files) contents.Add(Read(Path.Combine(directory, name)));
        var count = contents.Sum(c => c.Bytes.Length / RecordBytes);
        var inputs = new float[(long)count * ImageBytes];
        var labels = new long[count];
        var scale = Enumerable.Range(0, Channels).Select(c => (Mean[c], Std[c])).ToArray();
        var n = 0;
        foreach (var (path, bytes) in contents)
        {
            for (var r = 0; r < bytes.Length / RecordBytes; r++, n++)
            {
                var record = bytes.AsSpan(r * RecordBytes, RecordBytes);
                if (record[0] >= Classes)
                    throw new InvalidDataException($"{path}: label {record[0]} at record {r} is not a CIFAR-10 class (0-9)");
                labels[n] = record[0];
                var image = inputs.AsSpan(n * ImageBytes, ImageBytes);
                for (var i = 0; i < ImageBytes; i++)
                {
                    var (mean, std) = scale[i / (Side * Side)];
                    image[i] = (float)((record[1 + i] / 255.0 - mean) / std);
                }
            }
        }
        return new Examples(inputs, [Channels, Side, Side], labels, Classes, null, 0);
    }

    /// <summary>The directory itself, or the tarball's <c>cifar-10-batches-bin</c> below it when only that holds the files.</summary>
    internal static string Resolve(string directory)
    {
        var nested = Path.Combine(directory, TarballDirectory);
        return !File.Exists(Path.Combine(directory, TestBatch)) && File.Exists(Path.Combine(nested, TestBatch)) ? nested : directory;
    }

    private static (string, byte[]) Read(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException(
                $"{path}: CIFAR-10 file not found (put the binary version's .bin files there, or set {DirectoryVariable} or dataset.path)", path);
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length == 0) throw new InvalidDataException($"{path}: empty file (no CIFAR-10 records)");
        if (bytes.Length % RecordBytes != 0)
            throw new InvalidDataException(
                $"{path}: {bytes.Length} bytes is not a whole number of {RecordBytes}-byte records (truncated after record {bytes.Length / RecordBytes})");
        return (path, bytes);
    }
}
