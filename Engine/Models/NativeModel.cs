using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Engine.Data;
using OrleansSweeps.Engine.Interop;

namespace OrleansSweeps.Engine.Models;

/// <summary>A model living in the numeric core (on a CPU or CUDA device).</summary>
public sealed class NativeModel : IDisposable
{
    internal NativeModel(ModelHandle handle, Precision precision, string device)
    {
        Handle = handle;
        Precision = precision;
        Device = device;
        Native.Check(NativeMethods.ModelParamCount(handle, out var total, out var trainable), "gs_model_param_count");
        ParameterCount = total;
        TrainableParameterCount = trainable;
    }

    internal ModelHandle Handle { get; }

    public Precision Precision { get; }

    public string Device { get; }

    public long ParameterCount { get; }

    public long TrainableParameterCount { get; }

    /// <summary>Creates the model from layer text (see gs_api.h) with θ0 drawn from <paramref name="seed"/>.</summary>
    public static NativeModel Create(string layers, Precision precision, string device, ulong seed, InitScheme init)
    {
        var status = NativeMethods.ModelCreate(layers, (int)precision, device, seed, (int)init, out var handle);
        Native.Check(status, "gs_model_create");
        return new NativeModel(handle, precision, device);
    }

    public static NativeModel Create(ModelArchitecture architecture, Precision precision, string device, ulong seed, InitScheme init) =>
        Create(architecture.Layers, precision, device, seed, init);

    /// <summary>Every parameter (weights then bias, layer by layer) as float64.</summary>
    public unsafe double[] GetParameters()
    {
        var values = new double[ParameterCount];
        fixed (double* p = values)
        {
            Native.Check(NativeMethods.ModelGetParams(Handle, p, values.Length), "gs_model_get_params");
        }
        return values;
    }

    public unsafe void SetParameters(ReadOnlySpan<double> values)
    {
        fixed (double* p = values)
        {
            Native.Check(NativeMethods.ModelSetParams(Handle, p, values.Length), "gs_model_set_params");
        }
    }

    /// <summary>Mean loss and accuracy over every example of <paramref name="data"/>.</summary>
    public Evaluation Evaluate(TensorData data) => Evaluate(data, []);

    /// <summary>Mean loss and accuracy over the selected examples (all when <paramref name="indices"/> is empty).</summary>
    public unsafe Evaluation Evaluate(TensorData data, ReadOnlySpan<long> indices)
    {
        NativeMethods.EvalResult result;
        fixed (long* idx = indices)
        {
            Native.Check(NativeMethods.Eval(Handle, data.Handle, indices.IsEmpty ? null : idx, indices.Length, out result), "gs_eval");
        }
        return new Evaluation(result.Loss, result.Accuracy, result.Count);
    }

    /// <summary>Mean loss and its gradient w.r.t. every parameter (zero for frozen ones).</summary>
    public unsafe (double Loss, double[] Gradient) LossGradient(TensorData data, ReadOnlySpan<long> indices = default)
    {
        var gradient = new double[ParameterCount];
        double loss;
        fixed (long* idx = indices)
        fixed (double* g = gradient)
        {
            Native.Check(NativeMethods.LossGrad(Handle, data.Handle, indices.IsEmpty ? null : idx, indices.Length, out loss, g, gradient.Length), "gs_loss_grad");
        }
        return (loss, gradient);
    }

    /// <summary>
    /// Gradient of Σ_i f_c(x_i) (raw output <paramref name="output"/>) over the selected examples w.r.t. every
    /// parameter, zeros for frozen ones. With one example selected: a row of the MGS Jacobian.
    /// </summary>
    public unsafe double[] OutputGradient(TensorData data, ReadOnlySpan<long> indices, int output)
    {
        var gradient = new double[ParameterCount];
        fixed (long* idx = indices)
        fixed (double* g = gradient)
        {
            Native.Check(NativeMethods.OutputGrad(Handle, data.Handle, indices.IsEmpty ? null : idx, indices.Length, output, g, gradient.Length), "gs_output_grad");
        }
        return gradient;
    }

    /// <summary>Element counts of the parameter tensors in order (per linear/conv layer: weight, then bias).</summary>
    public unsafe long[] ParameterSizes()
    {
        Native.Check(NativeMethods.ModelParamSizes(Handle, null, 0, out var tensors), "gs_model_param_sizes");
        var sizes = new long[tensors];
        fixed (long* p = sizes)
        {
            Native.Check(NativeMethods.ModelParamSizes(Handle, p, sizes.Length, out _), "gs_model_param_sizes");
        }
        return sizes;
    }

    public void Dispose() => Handle.Dispose();
}

/// <summary>Mean per-example loss and accuracy (NaN for regression) over <paramref name="Count"/> examples.</summary>
public readonly record struct Evaluation(double Loss, double Accuracy, long Count);
