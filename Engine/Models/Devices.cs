using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Engine.Interop;
using TorchSharp;
using static TorchSharp.torch;

namespace OrleansSweeps.Engine.Models;

/// <summary>Device text ("cpu", "cuda", "cuda:i") and precision to TorchSharp's types, checked.</summary>
internal static class Devices
{
    public static ScalarType DType(Precision precision) => precision switch
    {
        Precision.Float32 => ScalarType.Float32,
        Precision.Float64 => ScalarType.Float64,
        _ => throw new EngineError(NativeStatus.InvalidArgument, "dtype must be float32 or float64"),
    };

    public static Device Parse(string text)
    {
        EngineError.Require(text == "cpu" || text.StartsWith("cuda", StringComparison.Ordinal), $"unknown device '{text}' (expected cpu, cuda or cuda:i)");
        if (text == "cpu") return CPU;
        var count = NativeRuntime.CudaDeviceCount();
        EngineError.Require(count > 0, $"device '{text}' requested but CUDA is not available to this libtorch");
        var index = 0;
        if (text != "cuda")
        {
            EngineError.Require(text.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(text[5..], out index) && index >= 0,
                $"unknown device '{text}' (expected cpu, cuda or cuda:i)");
            EngineError.Require(index < count, $"device '{text}' does not exist ({count} CUDA devices)");
        }
        return new Device(DeviceType.CUDA, index);
    }
}
