using OrleansSweeps.Engine.Data;
using OrleansSweeps.Engine.Interop;
using OrleansSweeps.Engine.Models;

namespace OrleansSweeps.Engine.Training;

/// <summary>The penalties a training update can add to the mean loss (gs_api.h, gs_penalty_kind).</summary>
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
    public static unsafe (double Value, double[] Gradient) Evaluate(NativeModel model, TensorData data, ReadOnlySpan<long> batch,
        PenaltyKind kind, ReadOnlySpan<double> epsilon = default, ulong seed = 0)
    {
        var gradient = new double[model.ParameterCount];
        double value;
        fixed (long* idx = batch)
        fixed (double* eps = epsilon)
        fixed (double* g = gradient)
        {
            Native.Check(NativeMethods.Penalty(model.Handle, data.Handle, batch.IsEmpty ? null : idx, batch.Length, (int)kind,
                epsilon.IsEmpty ? null : eps, epsilon.Length, seed, out value, g, gradient.Length), "gs_penalty");
        }
        return (value, gradient);
    }
}
