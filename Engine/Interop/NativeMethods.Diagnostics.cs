using System.Runtime.InteropServices;

namespace OrleansSweeps.Engine.Interop;

/// <summary>The coherent-gradients entries of gs_api.h (SCIENCE.md §4).</summary>
internal static partial class NativeMethods
{
    [LibraryImport(Library, EntryPoint = "gs_example_projections")]
    internal static unsafe partial int ExampleProjections(ModelHandle model, DataHandle data, long* idx, long nIdx, double* direction, long count, double* output);

    [LibraryImport(Library, EntryPoint = "gs_example_correct")]
    internal static unsafe partial int ExampleCorrect(ModelHandle model, DataHandle data, long* idx, long nIdx, byte* output);
}
