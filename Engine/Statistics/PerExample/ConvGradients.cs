using OrleansSweeps.Engine.Models;
using OrleansSweeps.Engine.Models.Layers;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace OrleansSweeps.Engine.Statistics.PerExample;

/// <summary>
/// Per-example gradients of conv and BatchNorm layers with tensor ops (differentiable, any device):
/// G_(i,r) = δ_(i,r) U_iᵀ with U_i = unfold(x_i), and Σ_positions δ for the bias.
/// </summary>
internal static class ConvGradients
{
    /// <summary>[b, R, out·in·k² + out] (weight then bias) for R backward passes, deltas[r]: [b, out, H', W'].</summary>
    public static Tensor Rows(LayerSpec layer, Tensor input, IReadOnlyList<Tensor> deltas)
    {
        long b = input.shape[0], passes = deltas.Count;
        var unfolded = F.unfold(input, layer.Kernel, padding: layer.Pad, stride: layer.Stride);  // [b, in·k², L]
        var d = (passes == 1 ? deltas[0].unsqueeze(1) : stack(deltas.ToArray(), 1)).reshape(b, passes * layer.Out, -1);  // [b, R·out, L]
        // bmm, then an add where one is needed: TorchSharp 0.107's baddbmm(input, b1, b2) computes b2 + input·b1.
        var weight = bmm(d, unfolded.transpose(1, 2)).reshape(b, passes, -1);
        var bias = d.sum(2).reshape(b, passes, layer.Out);
        return cat([weight, bias], 2);
    }

    /// <summary>
    /// Per-example gradients of a BatchNorm layer in evaluation mode, [b, 2C] (γ then β): y = γ x̂ + β with
    /// x̂ = (x − running mean)/√(running var + ε), so ∂L_i/∂γ_c = Σ_positions δ_i x̂_i and ∂L_i/∂β_c = Σ_positions δ_i.
    /// </summary>
    public static Tensor BatchNorm(BatchNormLayer layer, Tensor input, Tensor delta)
    {
        var channelShape = Enumerable.Repeat(1L, (int)input.dim()).ToArray();
        channelShape[1] = layer.Spec.Out;
        var normalised = (input - layer.RunningMean.view(channelShape)) / layer.RunningVar.view(channelShape).PlusConstant(BatchNormLayer.Epsilon).sqrt();
        var b = input.shape[0];
        var gamma = (delta * normalised).reshape(b, layer.Spec.Out, -1).sum(2);
        var beta = delta.reshape(b, layer.Spec.Out, -1).sum(2);
        return cat([gamma, beta], 1);
    }
}
