using OrleansSweeps.Contracts.Specs;

namespace OrleansSweeps.Tests.Contracts;

/// <summary>Every malformed spec fails with one <see cref="SpecException"/> that names file, line and field.</summary>
public sealed class MalformedSpecTests
{
    private const string File = "bad.yaml";

    public static TheoryData<string> AllNames => MalformedSpecs.Names(MalformedSpecs.All);

    [Theory]
    [MemberData(nameof(AllNames))]
    public void Malformed_spec_is_rejected_with_file_line_and_field(string name)
    {
        var spec = MalformedSpecs.Get(name);

        var error = Assert.Throws<SpecException>(() => SpecLoader.Parse(spec.Yaml, File));

        Assert.Equal(File, error.File);
        Assert.Equal(spec.Line, error.Line);
        Assert.Equal(spec.Field, error.Field);
        AssertOneLine(error.Message);
        Assert.False(string.IsNullOrWhiteSpace(error.Problem), "the problem must be described");
        Assert.Equal(spec.Where(File) + error.Problem, error.Message);
    }

    [Fact]
    public void Catalogue_covers_at_least_twenty_distinct_cases()
    {
        Assert.True(MalformedSpecs.All.Count >= 20, $"only {MalformedSpecs.All.Count} malformed specs");
        Assert.Equal(MalformedSpecs.All.Count, MalformedSpecs.All.Select(s => s.Name).Distinct().Count());
    }

    [Fact]
    public void Every_point_times_replicates_above_the_run_limit_is_rejected()
    {
        var yaml = """
            name: huge
            replicates: 100000
            train_size: 100
            dataset: {kind: toy-product}
            model: {kind: mlp}
            training: {optimizer: gd, lr: 0.1, steps: 10}
            grid:
              training.steps: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]
            """;

        var error = Assert.Throws<SpecException>(() => SpecLoader.Parse(yaml, File));

        Assert.Equal("grid", error.Field);
        Assert.Contains(SpecLoader.MaxRuns.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message);
    }

    [Fact]
    public async Task A_grid_with_more_points_than_the_run_limit_fails_fast()
    {
        // 101³ = 1,030,301 points of one replicate each: over the limit before any point is bound.
        var values = "[" + string.Join(", ", Enumerable.Range(1, 101)) + "]";
        var yaml = $"""
            name: huge
            replicates: 1
            train_size: 200
            dataset: {"{"}kind: toy-product{"}"}
            model: {"{"}kind: mlp{"}"}
            training: {"{"}optimizer: gd, lr: 0.1, steps: 200{"}"}
            grid:
              train_size: {values}
              training.steps: {values}
              model.p: {values}
            """;

        var parse = Task.Run(() => SpecLoader.Parse(yaml, File));

        var finished = await Task.WhenAny(parse, Task.Delay(TimeSpan.FromSeconds(20)));
        Assert.True(finished == parse, "Parse of a 1,030,301-point grid did not finish within 20 s");
        var error = await Assert.ThrowsAsync<SpecException>(() => parse);
        Assert.Equal("grid", error.Field);
        Assert.Equal(7, error.Line);
    }

    [Fact]
    public void A_missing_file_is_reported_with_its_path()
    {
        var path = Path.Combine(Path.GetTempPath(), "no-such-dir-" + Guid.NewGuid().ToString("N"), "spec.yaml");

        var error = Assert.Throws<SpecException>(() => SpecLoader.LoadFile(path));

        Assert.Equal(path, error.File);
        Assert.Equal(0, error.Line);
        Assert.StartsWith(path + ": ", error.Message);
        AssertOneLine(error.Message);
    }

    private static void AssertOneLine(string message) =>
        Assert.False(message.Contains('\n') || message.Contains('\r'), $"message is not one line: {message}");
}
