using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Engine.Data;
using OrleansSweeps.Engine.Interop;
using OrleansSweeps.Engine.Models;

namespace OrleansSweeps.Engine.Training;

/// <summary>An optimiser bound to a model in the numeric core; one <see cref="Step"/> = one native call.</summary>
public sealed class Trainer : IDisposable
{
    private readonly TrainerHandle _handle;

    private Trainer(TrainerHandle handle) => _handle = handle;

    public static Trainer Create(NativeModel model, TrainingSpec training, ulong seed)
    {
        var config = new NativeMethods.OptimizerConfig
        {
            Kind = training.Optimizer == OptimizerKind.Adam ? 1 : 0,
            Momentum = training.Optimizer == OptimizerKind.Sgd ? training.Momentum : 0,
            Beta1 = training.Adam.Beta1,
            Beta2 = training.Adam.Beta2,
            Eps = training.Adam.Epsilon,
            WeightDecay = training.WeightDecay,
        };
        Native.Check(NativeMethods.TrainerCreate(model.Handle, config, seed, out var handle), "gs_trainer_create");
        var trainer = new Trainer(handle);
        var r = training.Regularization;
        if (r == RegularizationSpec.None) return trainer;
        var regularizers = new NativeMethods.RegularizerConfig
        {
            Dropout = r.Dropout,
            GradNorm = r.GradNorm,
            MgsTrace = r.MgsTrace,
            MgsLogDet = r.MgsLogDet,
            DataGrad = r.DataGrad,
            SpectReg = r.SpectReg,
            Winsorize = r.WinsorizeC,
        };
        try
        {
            Native.Check(NativeMethods.TrainerSetRegularizers(handle, regularizers), "gs_trainer_set_regularizers");
        }
        catch
        {
            trainer.Dispose();
            throw;
        }
        return trainer;
    }

    /// <summary>One update on the selected examples (empty: the whole set). Returns the mean loss before it.</summary>
    public unsafe double Step(TensorData data, ReadOnlySpan<long> batch, double learningRate)
    {
        double loss;
        fixed (long* idx = batch)
        {
            Native.Check(NativeMethods.TrainerStep(_handle, data.Handle, batch.IsEmpty ? null : idx, batch.Length, learningRate, out loss), "gs_trainer_step");
        }
        return loss;
    }

    /// <summary>Parameters, optimiser buffers, update count and generator state, as opaque bytes.</summary>
    public unsafe byte[] SaveState()
    {
        Native.Check(NativeMethods.TrainerStateSize(_handle, out var size), "gs_trainer_state_size");
        var buffer = new byte[size];
        fixed (byte* p = buffer)
        {
            Native.Check(NativeMethods.TrainerStateSave(_handle, p, size), "gs_trainer_state_save");
        }
        return buffer;
    }

    public unsafe void LoadState(ReadOnlySpan<byte> state)
    {
        fixed (byte* p = state)
        {
            Native.Check(NativeMethods.TrainerStateLoad(_handle, p, state.Length), "gs_trainer_state_load");
        }
    }

    public void Dispose() => _handle.Dispose();
}
