using OrleansSweeps.Engine.Data;
using OrleansSweeps.Engine.Interop;
using OrleansSweeps.Engine.Models;
using OrleansSweeps.Engine.Statistics.PerExample;
using OrleansSweeps.Engine.Training.Regularizers;
using static TorchSharp.torch;

namespace OrleansSweeps.Engine.Training;

/// <summary>The penalties a training update can add to the mean loss.</summary>
public enum PenaltyKind
{
    /// <summary>‖∂L/∂θ‖², L the batch's mean loss (MGS paper A.4).</summary>
    GradNorm = 0,

    /// <summary>trace(K)/(b·k), K the exact MGS kernel (SCIENCE.md §3).</summary>
    MgsTrace = 1,

    /// <summary>log det(K)/(b·k).</summary>
    MgsLogDet = 2,

    /// <summary>mean_i ‖∂L_i/∂x_i‖² (SCIENCE.md §5).</summary>
    DataGrad = 3,

    /// <summary>mean_i ‖ε_iᵀ ∂f(x_i)/∂x_i‖², ε_i ~ N(0, I_k).</summary>
    SpectReg = 4,
}

/// <summary>A penalty's value P and gradient ∂P/∂θ at the model's current parameters (tests, benchmarks).</summary>
public static class Penalties
{
    /// <summary>
    /// P on the selected examples (all when <paramref name="batch"/> is empty) in evaluation mode, and ∂P/∂θ for
    /// every parameter (zeros for frozen ones). SpectReg uses <paramref name="epsilon"/> (b·k values, example-major)
    /// when given, else ε drawn from a generator seeded with <paramref name="seed"/>.
    /// </summary>
    public static (double Value, double[] Gradient) Evaluate(NativeModel model, TensorData data, ReadOnlySpan<long> batch,
        PenaltyKind kind, ReadOnlySpan<double> epsilon = default, ulong seed = 0)
    {
        var selection = batch.ToArray();
        var eps = epsilon.ToArray();
        return EngineCall.Run("penalty", () =>
        {
            EngineError.Require(kind is >= PenaltyKind.GradNorm and <= PenaltyKind.SpectReg, $"unknown penalty kind {(int)kind}");
            using var scope = NewDisposeScope();
            using var generator = new Generator(seed, CPU);
            var whole = Batch.Whole(data, selection);
            Tensor? given = null;
            if (eps.Length > 0)
            {
                var k = eps.Length / whole.Count;
                EngineError.Require(eps.Length == whole.Count * k && k > 0, "ε must hold b·k values");
                given = tensor(eps, [whole.Count, k], ScalarType.Float64);
            }
            var weights = new double[PenaltyTerms.Kinds];
            weights[(int)kind] = 1;
            var terms = PenaltyTerms.Compute(model.Net, whole, data, weights, given, generator);
            var p = terms.Penalty[(int)kind]!;
            var value = p.to(ScalarType.Float64).item<double>();
            var net = model.Net;
            var trainable = net.Parameters.Where(t => t.requires_grad).ToArray();
            var grads = Autograd.Gradients(p, trainable);
            var next = 0;
            var all = net.Parameters.Select(t => t.requires_grad ? grads[next++] : zeros_like(t)).ToArray();
            return (value, Flat.Read(all));
        });
    }
}
