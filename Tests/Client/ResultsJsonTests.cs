using System.Text.Json;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Client;

/// <summary>`sweeps results --format json` end to end: grid values come out as their fields' JSON types.</summary>
public sealed class ResultsJsonTests
{
    // One short run per point over a grid of each kind of field: integer, number, boolean, choice, integer list.
    private const string Spec = """
        name: json-types
        seed: 2
        replicates: 1
        train_size: 32
        dataset: {kind: two-circles, noise: 0.1, test_size: 32}
        model: {kind: mlp, hidden: [4]}
        training: {optimizer: gd, lr: 0.1, steps: 2}
        record: {every: 2}
        grid:
          train_size: [32]
          training.lr: [.5]
          model.share_init: [false]
          model.activation: [tanh]
          model.hidden: [[4, 2]]
        """;

    [Fact]
    public void Grid_values_are_json_numbers_booleans_strings_and_arrays()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Combine("spec.yaml"), Spec);
        var run = Cli.Run(dir.Path, "run", "spec.yaml", "--home", dir.Combine("home"), "--id", "s");
        Assert.True(run.ExitCode == 0, run.Stderr);

        var json = Cli.Run(dir.Path, "results", "s", "--home", dir.Combine("home"), "--format", "json");

        Assert.True(json.ExitCode == 0, json.Stderr);
        using var document = JsonDocument.Parse(json.Stdout);
        var row = document.RootElement[0];
        Assert.Equal(JsonValueKind.String, row.GetProperty("point").ValueKind);
        Assert.Equal(32, row.GetProperty("train_size").GetInt64());
        Assert.Equal(0.5, row.GetProperty("training.lr").GetDouble()); // written ".5": YAML, not JSON
        Assert.Equal(JsonValueKind.False, row.GetProperty("model.share_init").ValueKind);
        Assert.Equal("tanh", row.GetProperty("model.activation").GetString());
        Assert.Equal([4L, 2L], row.GetProperty("model.hidden").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Equal(0, row.GetProperty("step").GetInt64());
        Assert.Equal(JsonValueKind.Number, row.GetProperty("test_loss_mean").ValueKind);
    }
}
