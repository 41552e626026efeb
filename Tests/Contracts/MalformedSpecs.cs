namespace OrleansSweeps.Tests.Contracts;

/// <summary>One spec that must be rejected, and where the error must point.</summary>
public sealed record MalformedSpec(string Name, string Yaml, int Line, string Field)
{
    /// <summary>How the one-line message must begin: <c>file:line: field: </c>, shortened where line is 0 or field is empty.</summary>
    public string Where(string file)
    {
        var where = Line > 0 ? $"{file}:{Line}: " : $"{file}: ";
        return Field.Length > 0 ? $"{where}{Field}: " : where;
    }
}

/// <summary>
/// Malformed specs shared by the loader tests and the console tests. Each is a complete file; the
/// expected line is 1-based (0: the file as a whole) and the field is the dotted path ("" for the file).
/// </summary>
public static partial class MalformedSpecs
{
    public static IReadOnlyList<MalformedSpec> All => [.. Document, .. Fields, .. Grid];

    public static MalformedSpec Get(string name) => All.Single(s => s.Name == name);

    public static TheoryData<string> Names(IEnumerable<MalformedSpec> specs)
    {
        var data = new TheoryData<string>();
        foreach (var spec in specs) data.Add(spec.Name);
        return data;
    }

    private static readonly MalformedSpec[] Document =
    [
        new("yaml-syntax", """
            name: bad
            replicates: 2
            dataset: {kind: toy-product
            model: {kind: mlp}
            """, 4, ""),
        new("yaml-duplicate-key", """
            name: bad
            replicates: 2
            replicates: 3
            """, 3, ""),
        // YamlDotNet places this error at the mapping it was scanning (line 4 or 1); the tab is on line 6.
        new("yaml-tab-indent", "name: bad\nreplicates: 2\ndataset:\n  kind: toy-product\nmodel:\n\tkind: mlp\n", 6, ""),
        new("empty-file", "", 0, ""),
        new("comments-only", "# nothing here\n", 0, ""),
        new("top-level-list", """
            - name: bad
            - replicates: 2
            """, 1, ""),
        new("missing-name", """
            replicates: 2
            train_size: 100
            dataset: {kind: toy-product}
            model: {kind: mlp}
            training: {optimizer: gd, lr: 0.1, steps: 10}
            """, 1, "name"),
        new("bad-name-characters", """
            name: My_Sweep
            replicates: 2
            """, 1, "name"),
        new("missing-dataset", """
            name: bad
            replicates: 2
            train_size: 100
            model: {kind: mlp}
            training: {optimizer: gd, lr: 0.1, steps: 10}
            """, 1, "dataset"),
        new("typo-top-level-key", """
            name: bad
            replicate: 2
            train_size: 100
            dataset: {kind: toy-product}
            model: {kind: mlp}
            training: {optimizer: gd, lr: 0.1, steps: 10}
            """, 2, "replicate"),
        new("typo-nested-key", """
            name: bad
            replicates: 2
            train_size: 100
            dataset: {kind: toy-product}
            model: {kind: mlp}
            training:
              optimizer: gd
              lrr: 0.1
              steps: 10
            """, 8, "training.lrr"),
        new("unknown-optional-key", """
            name: bad
            replicates: 2
            train_size: 100
            dataset: {kind: toy-product}
            model: {kind: mlp}
            training: {optimizer: gd, lr: 0.1, steps: 10}
            checkpoint_evry: 5
            """, 7, "checkpoint_evry"),
        new("newline-in-value", """
            name: bad
            replicates: 2
            train_size: 100
            device: "cu\nda"
            """, 4, "device"),
        new("invalid-device", """
            name: bad
            replicates: 2
            train_size: 100
            device: gpu
            dataset: {kind: toy-product}
            model: {kind: mlp}
            training: {optimizer: gd, lr: 0.1, steps: 10}
            """, 4, "device"),
        new("replicates-zero", """
            name: bad
            replicates: 0
            train_size: 100
            """, 2, "replicates"),
    ];
}
