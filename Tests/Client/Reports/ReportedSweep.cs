using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Client.Reports;

/// <summary>
/// One small sweep run through the real console, then <c>sweeps report</c>, shared by the report's end-to-end
/// tests: two circles (classification) with permuted label noise 0 / 0.5 / 1 as the grid, gradient descent, moments,
/// the MGS kernel, coherence and learned fractions, so every figure of the report has data. About 2 s on 2 cores.
/// </summary>
public sealed class ReportedSweep : IDisposable
{
    public const string Spec = """
        name: report-test
        seed: 4
        replicates: 3
        train_size: 120
        dataset:
          kind: two-circles
          noise: 0.1
          test_size: 300
          label_noise: {mode: permute, fraction: 0}
        model:
          kind: mlp
          hidden: [16]
        training:
          optimizer: gd
          lr: 0.2
          steps: 40
        record:
          every: 10
        stats: {moments: true, mgs_batch: 4, coherence: true, null_worlds: 2, learned: true}
        grid:
          dataset.label_noise.fraction: [0, 0.5, 1]
        """;

    public static readonly string[] Noise = ["0", "0.5", "1"];
    public static readonly int[] RecordedSteps = [0, 10, 20, 30, 40];
    public const int Replicates = 3;

    private readonly TempDirectory _dir = new();

    public ReportedSweep()
    {
        File.WriteAllText(_dir.Combine("spec.yaml"), Spec);
        Run = Cli.Run(_dir.Path, "run", "spec.yaml", "--home", Home, "--id", "s", "--slots", "2");
        Report = Cli.Run(_dir.Path, "report", "s", "--home", Home, "--out", Out);
    }

    public string Directory => _dir.Path;

    public string Home => _dir.Combine("home");

    public string Out => _dir.Combine("report");

    public Cli.Result Run { get; }

    public Cli.Result Report { get; }

    public string Page => Path.Combine(Out, "index.html");

    public string CurvesPath(int point, int replicate) =>
        Path.Combine(Home, "blobs", "sweeps", "s", "runs", $"p{point:D4}", $"r{replicate:D3}", "curves.csv");

    public void Dispose() => _dir.Dispose();
}
