using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using OrleansSweeps.Engine.Models;
using static TorchSharp.torch;

namespace OrleansSweeps.Engine.Statistics.PerExample;

/// <summary>Small helpers over TorchSharp's autograd and tensor memory used by every statistic.</summary>
internal static class Autograd
{
    /// <summary>
    /// δ_l = ∂(scalar)/∂z_l for every captured layer output. Rows of a batch are independent in every layer we
    /// support (BatchNorm with running statistics included), so row i of δ_l is the gradient of example i's own term.
    /// </summary>
    public static Tensor[] OutputGradients(Tensor scalar, IReadOnlyList<Capture> captures, bool retainGraph = false, bool createGraph = false)
    {
        var outputs = captures.Select(c => c.Output).ToArray();
        var grads = autograd.grad([scalar], outputs, retain_graph: retainGraph || createGraph, create_graph: createGraph, allow_unused: true);
        return grads.Select((g, l) => Defined(g) ? g : zeros_like(outputs[l])).ToArray();
    }

    /// <summary>∂<paramref name="scalar"/>/∂<paramref name="wrt"/>, zeros where a tensor does not take part.</summary>
    public static Tensor[] Gradients(Tensor scalar, IReadOnlyList<Tensor> wrt, bool createGraph = false, bool retainGraph = false)
    {
        if (wrt.Count == 0) return [];
        var grads = autograd.grad([scalar], wrt.ToArray(), retain_graph: retainGraph || createGraph, create_graph: createGraph, allow_unused: true);
        return grads.Select((g, i) => Defined(g) ? g : zeros_like(wrt[i])).ToArray();
    }

    /// <summary>An undefined gradient (allow_unused) comes back as null or as a tensor without a native handle.</summary>
    public static bool Defined(Tensor? t) => t is not null && !t.IsInvalid;

    /// <summary>The first element's address of a contiguous CPU tensor (its memory is native, never moved).</summary>
    public static unsafe IntPtr Memory(Tensor t)
    {
        if (t.numel() == 0) return IntPtr.Zero;
        if (!t.is_contiguous() || t.device_type != TorchSharp.DeviceType.CPU) throw new InvalidOperationException("a kernel needs a contiguous CPU tensor");
        return (IntPtr)Unsafe.AsPointer(ref MemoryMarshal.GetReference(t.bytes));
    }
}
