using OrleansSweeps.Engine.Data;
using OrleansSweeps.Engine.Interop;
using OrleansSweeps.Engine.Models;
using OrleansSweeps.Engine.Statistics.PerExample;
using static TorchSharp.torch;

namespace OrleansSweeps.Engine.Training.Regularizers;

/// <summary>
/// The batch's mean loss and each penalty P with a weight &gt; 0 (SCIENCE.md §3, §5), all in the autograd graph
/// of the trainable parameters (built with create_graph), so ∂(mean + Σ λP)/∂θ is exact (double backpropagation).
/// The whole batch is one piece; the model's mode (training, dropout) is the caller's.
/// </summary>
internal sealed class PenaltyTerms
{
    public const int Kinds = 5;

    private PenaltyTerms(Tensor meanLoss, Tensor?[] penalty)
    {
        MeanLoss = meanLoss;
        Penalty = penalty;
    }

    public Tensor MeanLoss { get; }

    /// <summary>Indexed by <see cref="PenaltyKind"/>; null where the weight is 0.</summary>
    public Tensor?[] Penalty { get; }

    /// <param name="epsilon">SpectReg's ε [b, k]; null: drawn N(0, 1) from <paramref name="generator"/> after the forward pass.</param>
    public static PenaltyTerms Compute(SequentialNet net, Batch batch, TensorData data, double[] weights, Tensor? epsilon, Generator? generator)
    {
        bool trace = weights[(int)PenaltyKind.MgsTrace] > 0, logDet = weights[(int)PenaltyKind.MgsLogDet] > 0;
        bool dataGrad = weights[(int)PenaltyKind.DataGrad] > 0, spectReg = weights[(int)PenaltyKind.SpectReg] > 0;
        EngineError.Require(!(trace || logDet) || !net.HasBatchNorm, "the MGS penalties need independent examples; this model has BatchNorm layers");
        // The input-gradient penalties differentiate with respect to x; a detached copy keeps the data untouched.
        var x = dataGrad || spectReg ? batch.X.detach().requires_grad_(true) : batch.X;
        var captures = trace || logDet ? new List<Capture>() : null;
        var output = net.Forward(x, captures);
        var losses = Losses.PerExample(output, batch, data);
        var meanLoss = losses.mean();
        var penalty = new Tensor?[Kinds];
        if (weights[(int)PenaltyKind.GradNorm] > 0) penalty[(int)PenaltyKind.GradNorm] = GradNorm(meanLoss, net.Trainable);
        if (dataGrad) penalty[(int)PenaltyKind.DataGrad] = InputGradPenalty(net, losses, x);
        if (spectReg)
        {
            EngineError.Require(output.dim() == 2, "SpectReg needs outputs of shape [batch, outputs]");
            // Drawn on the CPU in float64, then moved: the same ε on every device and precision.
            var eps = epsilon ?? randn(output.shape, ScalarType.Float64, generator: generator);
            EngineError.Require(eps.shape.SequenceEqual(output.shape), "ε must have one value per example and output");
            var projected = (eps.to(output.dtype, output.device) * output).sum(1);
            penalty[(int)PenaltyKind.SpectReg] = InputGradPenalty(net, projected, x);
        }
        if (trace || logDet)
        {
            var (traceValue, logDetValue) = MgsPenalties.Compute(output, captures!, trace, logDet);
            penalty[(int)PenaltyKind.MgsTrace] = traceValue;
            penalty[(int)PenaltyKind.MgsLogDet] = logDetValue;
        }
        return new PenaltyTerms(meanLoss, penalty);
    }

    /// <summary>‖∂L/∂θ‖² over the trainable parameters (MGS paper A.4).</summary>
    private static Tensor GradNorm(Tensor meanLoss, IReadOnlyList<Tensor> trainable)
    {
        var total = zeros_like(meanLoss);
        foreach (var g in Autograd.Gradients(meanLoss, trainable, createGraph: true)) total = total.Plus(g.Squared().sum());
        return total;
    }

    /// <summary>
    /// mean_i ‖∂s_i/∂x_i‖² for per-example scalars s (L_i for DataGrad, ε_i·f(x_i) for SpectReg, whose input
    /// gradient is ε_iᵀ ∂f(x_i)/∂x_i). Examples are independent unless BatchNorm normalises with batch statistics:
    /// then row i of ∂(Σ s)/∂x is not ∂s_i/∂x_i, and each example takes its own backward pass.
    /// </summary>
    private static Tensor InputGradPenalty(SequentialNet net, Tensor s, Tensor x)
    {
        var b = s.shape[0];
        if (!(net.training && net.HasBatchNorm)) return Autograd.Gradients(s.sum(), [x], createGraph: true)[0].Squared().sum().Over(b);
        var total = zeros_like(s[0]);
        for (var i = 0; i < b; i++) total = total.Plus(Autograd.Gradients(s[i], [x], createGraph: true)[0][i].Squared().sum());
        return total.Over(b);
    }
}
