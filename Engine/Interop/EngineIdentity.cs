namespace OrleansSweeps.Engine.Interop;

/// <summary>
/// The name stored with every sweep: results are bitwise reproducible within one engine, and differ in the last
/// bits between engines (the C++ engine over libtorch 1.13 stored none), so a sweep is only resumed by its own.
/// </summary>
public static class EngineIdentity
{
    public const string Name = "torchsharp-libtorch2";
}
