using System.Runtime.InteropServices;
using OrleansSweeps.Engine.Storage;

namespace OrleansSweeps.Engine.Statistics;

/// <summary>
/// Per-parameter vectors g and ρ² of a run at one recorded step, as float32, in a
/// <see cref="BinaryEnvelope"/> of kind "moments", dtype "float32", shape [2, P] (row 0: g, row 1: ρ²).
/// The aggregator combines the M replicates' vectors into the cross-run GSNR (eq. 21, 24).
/// </summary>
public sealed record MomentVectors(float[] Mean, float[] Variance)
{
    public const string Kind = "moments";

    public static MomentVectors From(GradientMoments moments)
    {
        var mean = new float[moments.Count];
        var variance = new float[moments.Count];
        for (var j = 0; j < moments.Count; j++)
        {
            mean[j] = (float)moments.Mean[j];
            variance[j] = (float)moments.Variance(j);
        }
        return new MomentVectors(mean, variance);
    }

    public byte[] Serialize()
    {
        var payload = new byte[8L * Mean.Length];
        MemoryMarshal.AsBytes(Mean.AsSpan()).CopyTo(payload);
        MemoryMarshal.AsBytes(Variance.AsSpan()).CopyTo(payload.AsSpan(4 * Mean.Length));
        return BinaryEnvelope.Wrap(Kind, "float32", [2, Mean.Length], payload);
    }

    public static MomentVectors Deserialize(byte[] bytes, string source)
    {
        var (header, payload) = BinaryEnvelope.Unwrap(bytes, Kind, source);
        if (header.Dtype != "float32" || header.Shape.Length != 2 || header.Shape[0] != 2 || payload.Length != 8 * header.Shape[1])
            throw new InvalidDataException($"{source}: expected float32 [2, P] moment vectors, found {header.Dtype} [{string.Join(", ", header.Shape)}]");
        var values = MemoryMarshal.Cast<byte, float>(payload);
        var count = (int)header.Shape[1];
        return new MomentVectors(values[..count].ToArray(), values[count..].ToArray());
    }
}
