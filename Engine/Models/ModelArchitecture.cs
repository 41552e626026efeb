using OrleansSweeps.Contracts.Specs;

namespace OrleansSweeps.Engine.Models;

/// <summary>
/// A spec's model turned into the numeric core's layer text. Layers with weights are numbered from 0
/// in order; <see cref="ModelSpec.Frozen"/> refers to those numbers.
/// </summary>
public sealed record ModelArchitecture(string Layers)
{
    /// <param name="inputShape">One example's shape, e.g. [2] or [1, 28, 28].</param>
    /// <param name="outputs">Logits (classes) or regression outputs.</param>
    public static ModelArchitecture For(ModelSpec spec, IReadOnlyList<int> inputShape, int outputs)
    {
        var layers = spec.Kind switch
        {
            ModelKind.Mlp => Mlp(spec, inputShape, outputs),
            ModelKind.GsnrCnn => GsnrCnn(spec.P, outputs),
            ModelKind.Lenet5 => LeNet5(outputs),
            _ => throw new ArgumentOutOfRangeException(nameof(spec), spec.Kind, "unknown model kind"),
        };
        var weighted = 0;
        var text = layers.Select(layer =>
        {
            if (!layer.StartsWith("linear(", StringComparison.Ordinal) && !layer.StartsWith("conv(", StringComparison.Ordinal)) return layer;
            return spec.Frozen.Contains(weighted++) ? layer.Insert(layer.Length - 1, ",frozen") : layer;
        });
        return new ModelArchitecture(string.Join(';', text));
    }

    private static IEnumerable<string> Mlp(ModelSpec spec, IReadOnlyList<int> inputShape, int outputs)
    {
        var width = inputShape.Aggregate(1, (a, b) => a * b);
        if (inputShape.Count > 1) yield return "flatten";
        foreach (var hidden in spec.Hidden)
        {
            yield return $"linear({width},{hidden})";
            yield return spec.Activation.ToString().ToLowerInvariant();
            width = hidden;
        }
        yield return $"linear({width},{outputs})";
    }

    /// <summary>GSNR paper, table 2: 28→24→12→8→4, so the first fc layer sees 16q inputs; q = int(2.5 p).</summary>
    private static IEnumerable<string> GsnrCnn(int p, int outputs)
    {
        var q = (int)(2.5 * p);
        return [$"conv(1,{p},5)", "relu", "maxpool(2)", $"conv({p},{q},5)", "relu", "maxpool(2)", "flatten",
            $"linear({16 * q},{10 * q})", "relu", $"linear({10 * q},{outputs})"];
    }

    /// <summary>LeNet-5 with ReLU and max pooling; the first conv pads by 2 so 28×28 inputs give 16×5×5 features.</summary>
    private static IEnumerable<string> LeNet5(int outputs) =>
        ["conv(1,6,5,pad=2)", "relu", "maxpool(2)", "conv(6,16,5)", "relu", "maxpool(2)", "flatten",
            "linear(400,120)", "relu", "linear(120,84)", "relu", $"linear(84,{outputs})"];
}
