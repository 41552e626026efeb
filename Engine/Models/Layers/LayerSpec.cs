namespace OrleansSweeps.Engine.Models.Layers;

public enum LayerKind { Linear, Conv, BatchNorm, MaxPool, Flatten, Relu, Tanh, Sigmoid }

/// <summary>One layer of a sequential model, as the layer text names it (see <see cref="LayerText"/>).</summary>
public sealed record LayerSpec(LayerKind Kind, long In = 0, long Out = 0, long Kernel = 0, long Stride = 1, long Pad = 0, bool Frozen = false)
{
    /// <summary>Linear, conv and BatchNorm layers hold a weight and a bias (γ and β for BatchNorm).</summary>
    public bool HasWeights => Kind is LayerKind.Linear or LayerKind.Conv or LayerKind.BatchNorm;
}
