using System.Runtime.InteropServices;

namespace OrleansSweeps.Engine.Interop;

/// <summary>P/Invoke declarations of Engine/native/include/gs_api.h. Keep in step with that header.</summary>
internal static partial class NativeMethods
{
    private const string Library = "gsnative";

    [StructLayout(LayoutKind.Sequential)]
    internal struct EvalResult
    {
        public double Loss;
        public double Accuracy;
        public long Count;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct OptimizerConfig
    {
        public int Kind;
        public double Momentum;
        public double Beta1;
        public double Beta2;
        public double Eps;
        public double WeightDecay;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct MgsResult
    {
        public double Trace;
        public double LogDet;
        public int Singular;
        public long Size;
    }

    [LibraryImport(Library, EntryPoint = "gs_last_error")]
    internal static partial nint LastError();

    [LibraryImport(Library, EntryPoint = "gs_runtime_info")]
    internal static unsafe partial int RuntimeInfo(byte* buffer, long capacity, out long needed);

    [LibraryImport(Library, EntryPoint = "gs_runtime_set_threads")]
    internal static partial int RuntimeSetThreads(int threads);

    [LibraryImport(Library, EntryPoint = "gs_runtime_cuda_device_count")]
    internal static partial int RuntimeCudaDeviceCount(out int count);

    [LibraryImport(Library, EntryPoint = "gs_model_create", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int ModelCreate(string layers, int dtype, string device, ulong seed, int init, out ModelHandle model);

    [LibraryImport(Library, EntryPoint = "gs_model_free")]
    internal static partial void ModelFree(nint model);

    [LibraryImport(Library, EntryPoint = "gs_model_param_count")]
    internal static partial int ModelParamCount(ModelHandle model, out long total, out long trainable);

    [LibraryImport(Library, EntryPoint = "gs_model_get_params")]
    internal static unsafe partial int ModelGetParams(ModelHandle model, double* values, long count);

    [LibraryImport(Library, EntryPoint = "gs_model_set_params")]
    internal static unsafe partial int ModelSetParams(ModelHandle model, double* values, long count);

    [LibraryImport(Library, EntryPoint = "gs_model_param_sizes")]
    internal static unsafe partial int ModelParamSizes(ModelHandle model, long* sizes, long capacity, out long tensors);

    [LibraryImport(Library, EntryPoint = "gs_grad_moments")]
    internal static unsafe partial int GradMoments(ModelHandle model, DataHandle data, long* idx, long nIdx, long chunk,
        double* mean, double* second, double* positive, double* negative, long count);

    [LibraryImport(Library, EntryPoint = "gs_mgs_kernel")]
    internal static unsafe partial int MgsKernel(ModelHandle model, DataHandle data, long* idx, long nIdx, double* kernel, long capacity, out MgsResult result);

    [LibraryImport(Library, EntryPoint = "gs_output_grad")]
    internal static unsafe partial int OutputGrad(ModelHandle model, DataHandle data, long* idx, long nIdx, long output, double* grad, long count);

    [LibraryImport(Library, EntryPoint = "gs_data_create", StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial int DataCreate(float* x, long n, long* exampleShape, int ndim, long* labels, long classes,
        float* targets, long targetDim, int dtype, string device, out DataHandle data);

    [LibraryImport(Library, EntryPoint = "gs_data_free")]
    internal static partial void DataFree(nint data);

    [LibraryImport(Library, EntryPoint = "gs_eval")]
    internal static unsafe partial int Eval(ModelHandle model, DataHandle data, long* idx, long count, out EvalResult result);

    [LibraryImport(Library, EntryPoint = "gs_loss_grad")]
    internal static unsafe partial int LossGrad(ModelHandle model, DataHandle data, long* idx, long nIdx, out double loss, double* grad, long count);

    [LibraryImport(Library, EntryPoint = "gs_trainer_create")]
    internal static partial int TrainerCreate(ModelHandle model, in OptimizerConfig config, ulong seed, out TrainerHandle trainer);

    [LibraryImport(Library, EntryPoint = "gs_trainer_free")]
    internal static partial void TrainerFree(nint trainer);

    [LibraryImport(Library, EntryPoint = "gs_trainer_step")]
    internal static unsafe partial int TrainerStep(TrainerHandle trainer, DataHandle data, long* idx, long count, double learningRate, out double lossBefore);

    [LibraryImport(Library, EntryPoint = "gs_trainer_state_size")]
    internal static partial int TrainerStateSize(TrainerHandle trainer, out long bytes);

    [LibraryImport(Library, EntryPoint = "gs_trainer_state_save")]
    internal static unsafe partial int TrainerStateSave(TrainerHandle trainer, byte* buffer, long capacity);

    [LibraryImport(Library, EntryPoint = "gs_trainer_state_load")]
    internal static unsafe partial int TrainerStateLoad(TrainerHandle trainer, byte* buffer, long length);

    // --- regularisers (gs_api.h, section "regularisers") ------------------------------------------------

    [StructLayout(LayoutKind.Sequential)]
    internal struct RegularizerConfig
    {
        public double Dropout;
        public double GradNorm;
        public double MgsTrace;
        public double MgsLogDet;
        public double DataGrad;
        public double SpectReg;
        public long Winsorize;
    }

    [LibraryImport(Library, EntryPoint = "gs_trainer_set_regularizers")]
    internal static partial int TrainerSetRegularizers(TrainerHandle trainer, in RegularizerConfig config);

    [LibraryImport(Library, EntryPoint = "gs_penalty")]
    internal static unsafe partial int Penalty(ModelHandle model, DataHandle data, long* idx, long nIdx, int kind,
        double* epsilon, long epsilonCount, ulong seed, out double value, double* grad, long count);
}
