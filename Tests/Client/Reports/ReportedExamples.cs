using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Client.Reports;

/// <summary>One smoke example of examples/ run through the real console with its report written.</summary>
public sealed record ReportedExample(string Name, string Directory, Cli.Result Run, Cli.Result Report)
{
    public string Home => Path.Combine(Directory, "home");

    public string Out => Path.Combine(Directory, "report");

    public string Page => Path.Combine(Out, "index.html");

    /// <summary>Runs examples/<paramref name="name"/>.smoke.yaml under <paramref name="directory"/> as sweep id <paramref name="name"/>, then reports it.</summary>
    public static ReportedExample Of(string name, string directory)
    {
        var spec = Path.Combine(RepoPaths.Examples, $"{name}.smoke.yaml");
        var home = Path.Combine(directory, "home");
        var run = Cli.RunWithin(TimeSpan.FromMinutes(5), directory, "run", spec, "--home", home, "--id", name);
        var report = Cli.Run(directory, "report", name, "--home", home, "--out", Path.Combine(directory, "report"));
        return new ReportedExample(name, directory, run, report);
    }
}

/// <summary>
/// The sweeps of the papers' figures, reported once for the tests that look at them: the toy OSGR sweep (gradient
/// descent, 6 points, OSGR's two sides at 6 steps) and the MGS two-circles sweep (SGD, no penalty vs two penalties,
/// so no OSGR or GSNR). About 20 s on 2 cores.
/// </summary>
public sealed class ReportedExamples : IDisposable
{
    private readonly TempDirectory _dir = new();

    public ReportedExamples()
    {
        System.IO.Directory.CreateDirectory(_dir.Combine("toy"));
        System.IO.Directory.CreateDirectory(_dir.Combine("mgs"));
        Toy = ReportedExample.Of("gsnr-osgr-toy", _dir.Combine("toy"));
        Mgs = ReportedExample.Of("mgs-two-circles", _dir.Combine("mgs"));
    }

    public ReportedExample Toy { get; }

    public ReportedExample Mgs { get; }

    public void Dispose() => _dir.Dispose();
}

/// <summary>The report tests that read <see cref="ReportedExamples"/> share one run of them.</summary>
[CollectionDefinition(Name)]
public sealed class ReportedExamplesCollection : ICollectionFixture<ReportedExamples>
{
    public const string Name = "reported examples";
}
