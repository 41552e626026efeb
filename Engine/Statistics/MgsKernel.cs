using OrleansSweeps.Engine.Data;
using OrleansSweeps.Engine.Interop;
using OrleansSweeps.Engine.Models;

namespace OrleansSweeps.Engine.Statistics;

/// <summary>
/// The model gradient similarity kernel K = J Jᵀ on a batch (SCIENCE.md §3), over the trainable
/// parameters, rows ordered example-major (row i·k + c). Trace and log det in float64; a K that is
/// not numerically positive definite is reported as singular with a NaN log det.
/// </summary>
public sealed record MgsKernel(double Trace, double LogDet, bool Singular, int Size, double[]? Matrix)
{
    /// <summary>P_trace = trace(K)/(b·k): the mean eigenvalue.</summary>
    public double MeanEigenvalue => Trace / Size;

    /// <summary>P_logdet = log det(K)/(b·k): the log of the geometric mean eigenvalue.</summary>
    public double LogGeometricMeanEigenvalue => LogDet / Size;

    /// <param name="outputs">k, the model's output count (needed only to size <see cref="Matrix"/>).</param>
    public static unsafe MgsKernel Compute(NativeModel model, TensorData data, ReadOnlySpan<long> batch, int outputs, bool withMatrix)
    {
        var size = (batch.IsEmpty ? data.Count : batch.Length) * outputs;
        var matrix = withMatrix ? new double[(long)size * size] : null;
        NativeMethods.MgsResult result;
        fixed (long* idx = batch)
        fixed (double* k = matrix)
        {
            Native.Check(NativeMethods.MgsKernel(model.Handle, data.Handle, batch.IsEmpty ? null : idx, batch.Length, k, matrix?.Length ?? 0, out result), "gs_mgs_kernel");
        }
        return new MgsKernel(result.Trace, result.LogDet, result.Singular != 0, (int)result.Size, matrix);
    }
}
