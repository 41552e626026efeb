using OrleansSweeps.Engine.Interop;
using static TorchSharp.torch;

namespace OrleansSweeps.Engine.Training;

/// <summary>
/// A trainer's full state as bytes: magic "GSTR", version, dtype, update count, tensor count, then per tensor
/// (numel, raw values in the model's dtype: parameters, BatchNorm running statistics, optimiser buffers), then
/// the generator state (length, bytes). The checkpoint adds its own envelope and SHA-256.
/// Version 2 is the TorchSharp engine's; version 1 came from the C++ engine over libtorch 1.13, whose results
/// differ in the last bits, so such a state is refused rather than continued with different numbers.
/// </summary>
internal static class TrainerState
{
    private const uint Magic = 0x52545347;  // "GSTR"
    public const uint Version = 2;
    private const uint CppEngineVersion = 1;

    public static byte[] Save(ScalarType dtype, long step, IReadOnlyList<Tensor> tensors, Tensor generator)
    {
        using var stream = new MemoryStream();
        var writer = new BinaryWriter(stream);
        writer.Write(Magic);
        writer.Write(Version);
        writer.Write(dtype == ScalarType.Float64 ? 1 : 0);
        writer.Write(step);
        writer.Write((long)tensors.Count);
        foreach (var t in tensors)
        {
            using var host = t.detach().cpu().contiguous();
            writer.Write(host.numel());
            writer.Write(host.bytes);
        }
        writer.Write(generator.numel());
        writer.Write(generator.bytes);
        writer.Flush();
        return stream.ToArray();
    }

    /// <summary>Reads and checks everything before touching the trainer: a bad state leaves it as it was.</summary>
    public static (long Step, Tensor[] Values, Tensor Generator) Read(ReadOnlySpan<byte> state, ScalarType dtype, IReadOnlyList<Tensor> shapes)
    {
        var reader = new SpanReader(state);
        if (reader.UInt32() != Magic) throw EngineError.State("not a trainer state (bad magic)");
        var version = reader.UInt32();
        if (version == CppEngineVersion)
            throw EngineError.State("this trainer state was written by the C++ engine over libtorch 1.13; the TorchSharp engine's results differ in the last bits, so it cannot continue it");
        if (version != Version) throw EngineError.State("unsupported trainer state version");
        if ((reader.Int32() == 1 ? ScalarType.Float64 : ScalarType.Float32) != dtype) throw EngineError.State("state dtype differs from the model's");
        var step = reader.Int64();
        if (reader.Int64() != shapes.Count) throw EngineError.State("state holds a different number of tensors than this model and optimiser");
        var values = new Tensor[shapes.Count];
        for (var i = 0; i < shapes.Count; i++)
        {
            if (reader.Int64() != shapes[i].numel()) throw EngineError.State("state tensor size differs from the model's");
            var host = empty(shapes[i].shape, shapes[i].dtype);
            host.bytes = reader.Bytes((int)(host.numel() * host.ElementSize)).ToArray();
            values[i] = host;
        }
        var length = reader.Int64();
        if (length < 0) throw EngineError.State("negative generator state length");
        var generator = empty(length, ScalarType.Byte);
        generator.bytes = reader.Bytes((int)length).ToArray();
        if (!reader.AtEnd) throw EngineError.State("state has trailing bytes");
        return (step, values, generator);
    }

    private ref struct SpanReader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _used;

        public readonly bool AtEnd => _used == _data.Length;

        public ReadOnlySpan<byte> Bytes(int count)
        {
            if (count < 0 || _used + count > _data.Length) throw EngineError.State("state is truncated");
            var span = _data.Slice(_used, count);
            _used += count;
            return span;
        }

        public uint UInt32() => BitConverter.ToUInt32(Bytes(4));

        public int Int32() => BitConverter.ToInt32(Bytes(4));

        public long Int64() => BitConverter.ToInt64(Bytes(8));
    }
}
