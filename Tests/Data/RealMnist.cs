using OrleansSweeps.Engine.Data;

namespace OrleansSweeps.Tests.Data;

/// <summary>
/// The real MNIST files, loaded once per test run. They are required, not optional: a missing file
/// fails the test that needs it with the directory and the command that fetches them.
/// </summary>
internal static class RealMnist
{
    private static readonly Lazy<Examples> LazyTrain = new(() => Load(MnistFiles.LoadTrain));
    private static readonly Lazy<Examples> LazyTest = new(() => Load(MnistFiles.LoadTest));

    public static Examples Train => LazyTrain.Value;

    public static Examples Test => LazyTest.Value;

    public static string File(string name)
    {
        var path = Path.Combine(MnistFiles.DefaultDirectory, name);
        Assert.True(System.IO.File.Exists(path), Missing(path));
        return path;
    }

    private static Examples Load(Func<string?, Examples> load)
    {
        foreach (var name in new[] { MnistFiles.TrainImages, MnistFiles.TrainLabels, MnistFiles.TestImages, MnistFiles.TestLabels }) File(name);
        return load(null);
    }

    private static string Missing(string path) =>
        $"MNIST file {path} is missing: run scripts/fetch-mnist.sh (or set {MnistFiles.DirectoryVariable}); these tests need the real data";
}
