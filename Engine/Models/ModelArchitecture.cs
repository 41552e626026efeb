using OrleansSweeps.Contracts.Specs;

namespace OrleansSweeps.Engine.Models;

/// <summary>
/// A spec's model turned into the numeric core's layer text. Layers with weights (linear, conv and
/// batchnorm, whose scale and shift are parameters) are numbered from 0 in order, as the numeric core
/// numbers its parameter tensors (layer l's weight and bias are tensors 2l and 2l+1, the names
/// <c>l.weight</c>, <c>l.bias</c> of stats.csv); <see cref="ModelSpec.Frozen"/> refers to those numbers.
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
            ModelKind.CifarCnn => CifarCnn(spec.P, outputs),
            _ => throw new ArgumentOutOfRangeException(nameof(spec), spec.Kind, "unknown model kind"),
        };
        var weighted = 0;
        var text = layers.Select(layer =>
        {
            if (!HasWeights(layer)) return layer;
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

    /// <summary>
    /// GSNR paper, table 3: four blocks [conv3×3(pad 1)-BN-ReLU-conv3×3(pad 1)-BN-ReLU-maxpool2] with p, 2p,
    /// 4p, 8p channels take 3×32×32 to 8p×2×2 = 32p features, then fc 32p→8p, 8p→8p, 8p→outputs with ReLU
    /// between. The table writes the fc sizes as 32q and 8q; the flattened features are 32p, so only q = p
    /// fits, and that is what is built. 19 layers with weights: per block conv, BN, conv, BN (16), then 3 fc.
    /// </summary>
    private static IEnumerable<string> CifarCnn(int p, int outputs)
    {
        var input = 3;
        foreach (var channels in new[] { p, 2 * p, 4 * p, 8 * p })
        {
            yield return $"conv({input},{channels},3,pad=1)";
            yield return $"batchnorm({channels})";
            yield return "relu";
            yield return $"conv({channels},{channels},3,pad=1)";
            yield return $"batchnorm({channels})";
            yield return "relu";
            yield return "maxpool(2)";
            input = channels;
        }
        yield return "flatten";
        yield return $"linear({32 * p},{8 * p})";
        yield return "relu";
        yield return $"linear({8 * p},{8 * p})";
        yield return "relu";
        yield return $"linear({8 * p},{outputs})";
    }

    private static bool HasWeights(string layer) =>
        layer.StartsWith("linear(", StringComparison.Ordinal) || layer.StartsWith("conv(", StringComparison.Ordinal) ||
        layer.StartsWith("batchnorm(", StringComparison.Ordinal);
}
