using OrleansSweeps.Contracts.Specs;

namespace OrleansSweeps.Tests.TestSupport;

/// <summary>Small specs for tests, parsed from YAML text so they exercise the real loader.</summary>
public static class SpecBuilder
{
    public const string ToyYaml = """
        name: toy-test
        seed: 7
        replicates: 2
        train_size: 64
        dataset:
          kind: toy-product
          noise: 0.5
          test_size: 256
        model:
          kind: mlp
          hidden: [8]
        training:
          optimizer: gd
          lr: 0.05
          steps: 20
        record:
          every: 5
        """;

    public static SweepSpec Parse(string yaml) => SpecLoader.Parse(yaml, "test.yaml");

    public static RunSpec Single(string yaml) => Parse(yaml).Points[0].Spec;
}
