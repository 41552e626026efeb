using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Engine.Interop;

namespace OrleansSweeps.Engine.Data;

/// <summary>A copy of some <see cref="Examples"/> resident on a device, in the model's precision.</summary>
public sealed class TensorData : IDisposable
{
    private TensorData(DataHandle handle, int count)
    {
        Handle = handle;
        Count = count;
    }

    internal DataHandle Handle { get; }

    public int Count { get; }

    public static unsafe TensorData Upload(Examples examples, Precision precision, string device)
    {
        var shape = examples.ExampleShape.Select(d => (long)d).ToArray();
        DataHandle handle;
        fixed (float* x = examples.Inputs)
        fixed (long* s = shape)
        fixed (long* labels = examples.Labels)
        fixed (float* targets = examples.Targets)
        {
            var status = NativeMethods.DataCreate(x, examples.Count, s, shape.Length, labels, examples.Classes,
                targets, examples.TargetDim, (int)precision, device, out handle);
            Native.Check(status, "gs_data_create");
        }
        return new TensorData(handle, examples.Count);
    }

    public void Dispose() => Handle.Dispose();
}
