using OrleansSweeps.Engine.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OrleansSweeps.Engine.Models;

/// <summary>A weighted layer's input a and output z in one forward pass: the ingredients of per-example
/// gradients (δ = ∂L/∂z, then ∂L_i/∂W = δ_i a_iᵀ for linear layers, SCIENCE.md §1 and §3).</summary>
internal sealed record Capture(WeightedLayer Layer, Tensor Input, Tensor Output);

/// <summary>
/// A sequential model whose layers the statistics can walk: every weight and bias tensor in a fixed order
/// (layer order, weight before bias), and a forward pass that can record each weighted layer's input and
/// output. Dropout (SCIENCE.md §3, §6) acts only in training mode, on the input of every linear layer that
/// follows another linear layer (after the activation of every hidden fully connected layer), with masks
/// from the trainer's generator so a resumed run draws the masks an uninterrupted one would.
/// </summary>
public sealed class SequentialNet : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<SweepLayer> _layers = new();

    public SequentialNet(IReadOnlyList<LayerSpec> layers, ScalarType dtype, Device device) : base(nameof(SequentialNet))
    {
        foreach (var spec in layers) _layers.Add(SweepLayer.Create(spec, dtype, device));
        register_module("layers", _layers);
        Weighted = _layers.OfType<WeightedLayer>().ToArray();
        Parameters = Weighted.SelectMany(l => new Tensor[] { l.Weight, l.Bias }).ToArray();
        Trainable = Weighted.Where(l => !l.Spec.Frozen).SelectMany(l => new Tensor[] { l.Weight, l.Bias }).ToArray();
        BatchNorms = _layers.OfType<BatchNormLayer>().ToArray();
    }

    public IReadOnlyList<WeightedLayer> Weighted { get; }

    /// <summary>Every parameter tensor: layer order, weight before bias.</summary>
    public IReadOnlyList<Tensor> Parameters { get; }

    public IReadOnlyList<Tensor> Trainable { get; }

    internal IReadOnlyList<BatchNormLayer> BatchNorms { get; }

    public bool HasBatchNorm => BatchNorms.Count > 0;

    /// <summary>Dropout rate r (kept units scaled by 1/(1−r)) and the generator of its masks, set by a training step.</summary>
    internal (double Rate, Generator? Generator) Dropout { get; set; }

    public override Tensor forward(Tensor x) => Forward(x, null);

    /// <summary>
    /// With <paramref name="captures"/>: records every weighted layer's input and output and makes every
    /// output part of the autograd graph (frozen layers included), so ∂L/∂z can be asked for.
    /// </summary>
    internal Tensor Forward(Tensor input, List<Capture>? captures)
    {
        // A trainable first weighted layer puts every later output in the graph; only when it is frozen must
        // the input itself require a gradient (an input that already does, for input-gradient penalties, stays).
        var first = Weighted.Count > 0 ? Weighted[0] : null;
        var x = captures is not null && first is { Spec.Frozen: true } && !input.requires_grad ? input.detach().requires_grad_(true) : input;
        var drop = training && Dropout.Rate > 0;
        var afterLinear = false;
        foreach (var layer in _layers)
        {
            if (layer.Spec.Kind == LayerKind.Linear)
            {
                if (drop && afterLinear) x = ApplyDropout(x);
                afterLinear = true;
            }
            var layerInput = x;
            x = layer.call(x);
            if (captures is not null && layer is WeightedLayer weighted) captures.Add(new Capture(weighted, layerInput, x));
        }
        return x;
    }

    /// <summary>Inverted dropout: drawn on the CPU in float64, then moved, so CPU and CUDA runs draw the same masks.</summary>
    private Tensor ApplyDropout(Tensor x)
    {
        var (rate, generator) = Dropout;
        var mask = empty(x.shape, ScalarType.Float64).bernoulli_(1.0 - rate, generator).OverInPlace(1.0 - rate);
        return x * mask.to(x.dtype, x.device);
    }
}
