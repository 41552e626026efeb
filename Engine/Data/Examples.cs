namespace OrleansSweeps.Engine.Data;

/// <summary>
/// Examples on the host: row-major float inputs and either class labels or regression targets.
/// <see cref="Corrupt"/> flags examples whose label was chosen by label noise (SCIENCE.md §4).
/// </summary>
public sealed class Examples
{
    public Examples(float[] inputs, int[] exampleShape, long[]? labels, int classes, float[]? targets, int targetDim, bool[]? corrupt = null)
    {
        if ((labels is null) == (targets is null)) throw new ArgumentException("give exactly one of labels or targets");
        ExampleSize = exampleShape.Aggregate(1, (a, b) => a * b);
        Count = inputs.Length / ExampleSize;
        if (Count * ExampleSize != inputs.Length) throw new ArgumentException("inputs are not a whole number of examples");
        if (labels is not null && labels.Length != Count) throw new ArgumentException("one label per example");
        if (targets is not null && targets.Length != Count * targetDim) throw new ArgumentException("targetDim targets per example");
        Inputs = inputs;
        ExampleShape = exampleShape;
        Labels = labels;
        Classes = classes;
        Targets = targets;
        TargetDim = targetDim;
        Corrupt = corrupt ?? new bool[Count];
    }

    public float[] Inputs { get; }

    public int[] ExampleShape { get; }

    public int ExampleSize { get; }

    public int Count { get; }

    public long[]? Labels { get; }

    public int Classes { get; }

    public float[]? Targets { get; }

    public int TargetDim { get; }

    public bool[] Corrupt { get; }

    public bool IsClassification => Labels is not null;

    /// <summary>Number of model outputs: classes for classification, target dimension for regression.</summary>
    public int Outputs => IsClassification ? Classes : TargetDim;

    /// <summary>The examples at <paramref name="indices"/>, in that order.</summary>
    public Examples Select(IReadOnlyList<int> indices)
    {
        var inputs = new float[indices.Count * ExampleSize];
        for (var i = 0; i < indices.Count; i++)
            Array.Copy(Inputs, (long)indices[i] * ExampleSize, inputs, (long)i * ExampleSize, ExampleSize);
        var labels = Labels is null ? null : indices.Select(i => Labels[i]).ToArray();
        float[]? targets = null;
        if (Targets is not null)
        {
            targets = new float[indices.Count * TargetDim];
            for (var i = 0; i < indices.Count; i++) Array.Copy(Targets, indices[i] * TargetDim, targets, i * TargetDim, TargetDim);
        }
        return new Examples(inputs, ExampleShape, labels, Classes, targets, TargetDim, indices.Select(i => Corrupt[i]).ToArray());
    }

    /// <summary>The same inputs with new labels and corruption flags.</summary>
    public Examples WithLabels(long[] labels, bool[] corrupt) =>
        new(Inputs, ExampleShape, labels, Classes, null, 0, corrupt);
}
