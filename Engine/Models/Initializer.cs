using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Engine.Models.Layers;
using static TorchSharp.torch;

namespace OrleansSweeps.Engine.Models;

/// <summary>
/// θ0 from a portable generator (<see cref="Mt19937_64"/>): layer by layer, weight then bias, so the same seed
/// gives the same θ0 on every machine and libtorch version. BatchNorm keeps γ = 1, β = 0.
/// </summary>
internal static class Initializer
{
    public static void Apply(SequentialNet net, ulong seed, InitScheme scheme)
    {
        var rng = new Mt19937_64(seed);
        using var noGrad = no_grad();
        foreach (var layer in net.Weighted)
        {
            if (layer is BatchNormLayer) continue;
            var spec = layer.Spec;
            var area = spec.Kind == LayerKind.Conv ? spec.Kernel * spec.Kernel : 1;
            double fanIn = spec.In * area, fanOut = spec.Out * area;
            if (scheme == InitScheme.Pytorch)
            {
                // torch.nn default: kaiming_uniform(a=sqrt(5)) ⇒ bound 1/sqrt(fan_in), bias the same.
                var bound = 1.0 / Math.Sqrt(fanIn);
                Fill(layer.Weight, rng, bound);
                Fill(layer.Bias, rng, bound);
            }
            else
            {
                // Glorot & Bengio (2010): U(±sqrt(6/(fan_in+fan_out))), zero bias.
                Fill(layer.Weight, rng, Math.Sqrt(6.0 / (fanIn + fanOut)));
                layer.Bias.zero_();
            }
        }
    }

    private static void Fill(Tensor parameter, Mt19937_64 rng, double bound)
    {
        var values = new double[parameter.numel()];
        for (var i = 0; i < values.Length; i++) values[i] = rng.Symmetric(bound);
        using var host = tensor(values, parameter.shape, ScalarType.Float64);
        parameter.copy_(host);
    }
}
