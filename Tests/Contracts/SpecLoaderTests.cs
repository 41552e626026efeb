using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Contracts;

/// <summary>What a valid spec becomes: defaults, grid expansion, recorded steps.</summary>
public sealed class SpecLoaderTests
{
    private const string Minimal = """
        name: minimal
        replicates: 3
        train_size: 100
        dataset: {kind: toy-product}
        model: {kind: mlp}
        training: {optimizer: sgd, lr: 0.1, steps: 250}

        """;

    [Fact]
    public void Defaults_are_filled_in()
    {
        var spec = SpecBuilder.Single(Minimal);

        Assert.Equal(0UL, spec.Seed);
        Assert.Equal("cpu", spec.Device);
        Assert.Equal(0, spec.CheckpointEvery);
        Assert.Equal(10_000, spec.Dataset.TestSize);
        Assert.Equal(0.0, spec.Dataset.Noise);
        Assert.Null(spec.Dataset.LabelNoise);
        Assert.Null(spec.Dataset.Path);
        Assert.Equal([20], spec.Model.Hidden);
        Assert.Equal(Activation.Relu, spec.Model.Activation);
        Assert.Empty(spec.Model.Frozen);
        Assert.Equal(InitScheme.Pytorch, spec.Model.Init);
        Assert.Equal(Precision.Float32, spec.Model.Precision);
        Assert.True(spec.Model.ShareInit);
        Assert.Equal(32, spec.Training.BatchSize);
        Assert.Equal(0.0, spec.Training.Momentum);
        Assert.Equal(0.0, spec.Training.WeightDecay);
        Assert.Equal(new ScheduleSpec(ScheduleKind.Constant, 1.0, 0.0, 100), spec.Training.Schedule);
        Assert.Equal(new AdamSpec(0.9, 0.999, 1e-8), spec.Training.Adam);
        Assert.Equal([0, 25, 50, 75, 100, 125, 150, 175, 200, 225, 250], spec.Record.Resolve(spec.Training.Steps));
    }

    [Theory]
    [InlineData("sgd", 20, 20)]
    [InlineData("sgd", 32, 32)]
    [InlineData("sgd", 1000, 32)]
    [InlineData("adam", 7, 7)]
    [InlineData("gd", 1000, 1000)]
    public void Default_batch_size_is_min_32_n_for_minibatch_optimizers_and_n_for_gd(string optimizer, int n, int expected)
    {
        var yaml = Minimal.Replace("train_size: 100", $"train_size: {n}").Replace("optimizer: sgd", $"optimizer: {optimizer}");

        Assert.Equal(expected, SpecBuilder.Single(yaml).Training.BatchSize);
    }

    [Fact]
    public void Mnist_and_two_circles_defaults()
    {
        var mnist = SpecBuilder.Single(Minimal.Replace("kind: toy-product", "kind: mnist"));
        var circles = SpecBuilder.Single(Minimal.Replace("kind: toy-product", "kind: two-circles"));

        Assert.Equal(10_000, mnist.Dataset.TestSize);
        Assert.Equal(0.1, circles.Dataset.Noise);
        Assert.Equal(0.5, circles.Dataset.CircleFactor);
    }

    [Fact]
    public void Grid_expands_row_major_with_the_last_axis_fastest()
    {
        var sweep = SpecBuilder.Parse(Minimal + """
            grid:
              train_size: [50, 100]
              training.lr: [0.1, 0.2, 0.3]
            """);

        Assert.Equal(6, sweep.Points.Count);
        Assert.Equal(18, sweep.RunCount);
        Assert.Equal(["train_size", "training.lr"], sweep.Grid.Select(a => a.Path));
        Assert.Equal(["0.1", "0.2", "0.3"], sweep.Grid[1].Values);
        Assert.Equal([50, 50, 50, 100, 100, 100], sweep.Points.Select(p => p.Spec.TrainSize));
        Assert.Equal([0.1, 0.2, 0.3, 0.1, 0.2, 0.3], sweep.Points.Select(p => p.Spec.Training.LearningRate));
        Assert.Equal([0, 1, 2, 3, 4, 5], sweep.Points.Select(p => p.Index));
        Assert.Equal(["p0000", "p0001", "p0002", "p0003", "p0004", "p0005"], sweep.Points.Select(p => p.Id));
        Assert.Equal([new("train_size", "100"), new KeyValuePair<string, string>("training.lr", "0.2")], sweep.Points[4].Parameters);
        // Fields the grid does not vary keep the base value at every point.
        Assert.All(sweep.Points, p => Assert.Equal(250, p.Spec.Training.Steps));
    }

    [Fact]
    public void Point_id_has_four_digits_and_grows_beyond()
    {
        Assert.Equal("p0007", new SweepPoint(7, [], SpecBuilder.Single(Minimal)).Id);
        Assert.Equal("p12345", new SweepPoint(12345, [], SpecBuilder.Single(Minimal)).Id);
    }

    [Fact]
    public void A_spec_without_grid_is_one_point_without_parameters()
    {
        var sweep = SpecBuilder.Parse(Minimal);

        var point = Assert.Single(sweep.Points);
        Assert.Empty(point.Parameters);
        Assert.Empty(sweep.Grid);
        Assert.Equal("minimal", sweep.Name);
        Assert.Equal(3, sweep.RunCount);
    }

    [Fact]
    public void Grid_axes_carry_the_type_of_the_field_they_set()
    {
        var sweep = SpecBuilder.Parse(Minimal + """
            grid:
              train_size: [50, 100]
              training.lr: [0.1, 1e-2]
              model.share_init: [true, false]
              model.activation: [relu, tanh]
              model.hidden: [[6], [8, 4]]
              device: [cpu]
            """);

        Assert.Equal([GridValueKind.Integer, GridValueKind.Number, GridValueKind.Boolean, GridValueKind.Text, GridValueKind.IntegerList, GridValueKind.Text],
            sweep.Grid.Select(a => a.Kind));
    }

    [Fact]
    public void Grid_over_a_list_valued_field()
    {
        var sweep = SpecBuilder.Parse(Minimal + "grid:\n  model.hidden: [[6], [8, 4]]\n");

        Assert.Equal([[6], [8, 4]], sweep.Points.Select(p => p.Spec.Model.Hidden.ToArray()));
        Assert.Equal(["[6]", "[8, 4]"], sweep.Grid[0].Values);
        Assert.Equal("[8, 4]", sweep.Points[1].Parameters[0].Value);
    }

    [Fact]
    public void Grid_over_a_nested_field_the_base_spec_does_not_mention()
    {
        var yaml = Minimal.Replace("steps: 250}", "steps: 250, schedule: {kind: exponential}}") + """
            grid:
              training.schedule.gamma: [0.99, 0.999]
            """;

        var sweep = SpecBuilder.Parse(yaml);

        Assert.Equal([0.99, 0.999], sweep.Points.Select(p => p.Spec.Training.Schedule.Gamma));
        Assert.All(sweep.Points, p => Assert.Equal(ScheduleKind.Exponential, p.Spec.Training.Schedule.Kind));
    }

    [Fact]
    public void Grid_over_replicates_counts_runs_per_point()
    {
        var sweep = SpecBuilder.Parse(Minimal + "grid:\n  replicates: [1, 10]\n  dataset.noise: [0, 2]\n");

        Assert.Equal(22, sweep.RunCount);
        Assert.Equal([1, 1, 10, 10], sweep.Points.Select(p => p.Spec.Replicates));
    }

    [Theory]
    [InlineData(50, 300, new[] { 0, 50, 100, 150, 200, 250, 300 })]
    [InlineData(40, 100, new[] { 0, 40, 80, 100 })]
    [InlineData(1000, 100, new[] { 0, 100 })]
    [InlineData(1, 3, new[] { 0, 1, 2, 3 })]
    public void Record_every_k_includes_zero_and_the_last_step(int every, int total, int[] expected) =>
        Assert.Equal(expected, new RecordSpec(null, every, 0).Resolve(total));

    [Theory]
    [InlineData(4, 1000, new[] { 0, 1, 10, 100, 1000 })]
    [InlineData(5, 2500, new[] { 0, 1, 7, 50, 354, 2500 })]
    [InlineData(10, 5, new[] { 0, 1, 2, 3, 4, 5 })]
    [InlineData(1, 300, new[] { 0, 300 })]
    public void Record_log_spaced_is_deduplicated_and_ends_at_the_last_step(int count, int total, int[] expected) =>
        Assert.Equal(expected, new RecordSpec(null, 0, count).Resolve(total));

    [Fact]
    public void Record_steps_are_sorted_and_distinct()
    {
        var spec = SpecBuilder.Single(Minimal + "record: {steps: [30, 0, 30, 10]}\n");

        Assert.Equal([0, 10, 30], spec.Record.Resolve(spec.Training.Steps));
    }

    [Fact]
    public void The_toy_example_expands_to_280_points_of_100_replicates()
    {
        var sweep = SpecLoader.LoadFile(Path.Combine(RepoPaths.Examples, "gsnr-osgr-toy.yaml"));

        Assert.Equal(280, sweep.Points.Count);
        Assert.Equal(28_000, sweep.RunCount);
        var last = sweep.Points[^1].Spec;
        Assert.Equal((8.0, 6000, 20), (last.Dataset.Noise, last.TrainSize, last.Model.Hidden[0]));
        Assert.Equal([0, 20, 100, 500, 2499], last.Record.Resolve(last.Training.Steps));
    }
}
