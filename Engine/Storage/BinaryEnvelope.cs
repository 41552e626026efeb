using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace OrleansSweeps.Engine.Storage;

/// <summary>
/// The frame every binary blob is stored in (DESIGN.md, "Data that flows"):
/// <code>
/// "OSWB" | u16 format version | u16 len + kind (UTF-8) | u16 len + dtype (UTF-8)
///        | u8 rank | rank × i64 shape | i64 payload length | payload | SHA-256 of everything before
/// </code>
/// Integers are little-endian. Reading verifies the magic, version, lengths and hash, so a torn or
/// corrupted file is detected before anything trusts it.
/// </summary>
public static class BinaryEnvelope
{
    public const ushort FormatVersion = 1;
    private static ReadOnlySpan<byte> Magic => "OSWB"u8;

    public sealed record Header(string Kind, string Dtype, long[] Shape);

    public static byte[] Wrap(string kind, string dtype, IReadOnlyList<long> shape, ReadOnlySpan<byte> payload)
    {
        using var stream = new MemoryStream();
        var writer = new BinaryWriter(stream);
        writer.Write(Magic);
        writer.Write(FormatVersion);
        WriteText(writer, kind);
        WriteText(writer, dtype);
        writer.Write((byte)shape.Count);
        foreach (var d in shape) writer.Write(d);
        writer.Write((long)payload.Length);
        writer.Write(payload);
        writer.Flush();
        writer.Write(SHA256.HashData(stream.GetBuffer().AsSpan(0, (int)stream.Length)));
        return stream.ToArray();
    }

    /// <summary>Checks and unwraps; <paramref name="source"/> names the file in error messages.</summary>
    public static (Header Header, byte[] Payload) Unwrap(byte[] bytes, string expectedKind, string source)
    {
        const int hashBytes = 32;
        if (bytes.Length < 4 + 2 + hashBytes || !bytes.AsSpan(0, 4).SequenceEqual(Magic))
            throw new InvalidDataException($"{source}: not an OrleansSweeps binary blob (bad magic or too short)");
        var body = bytes.AsSpan(0, bytes.Length - hashBytes);
        if (!SHA256.HashData(body).AsSpan().SequenceEqual(bytes.AsSpan(bytes.Length - hashBytes)))
            throw new InvalidDataException($"{source}: SHA-256 mismatch (the file is corrupt or was torn)");
        var version = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4));
        if (version != FormatVersion) throw new InvalidDataException($"{source}: blob format version {version} is not supported (expected {FormatVersion})");
        using var reader = new BinaryReader(new MemoryStream(bytes, 6, body.Length - 6));
        try
        {
            var kind = ReadText(reader);
            if (kind != expectedKind) throw new InvalidDataException($"{source}: holds a '{kind}' blob, expected '{expectedKind}'");
            var dtype = ReadText(reader);
            var shape = new long[reader.ReadByte()];
            for (var i = 0; i < shape.Length; i++) shape[i] = reader.ReadInt64();
            var length = reader.ReadInt64();
            if (length != reader.BaseStream.Length - reader.BaseStream.Position)
                throw new InvalidDataException($"{source}: payload length {length} does not match the file");
            return (new Header(kind, dtype, shape), reader.ReadBytes((int)length));
        }
        catch (EndOfStreamException e)
        {
            // Callers (e.g. the checkpoint store's fallback) handle InvalidDataException only; a header
            // shorter than its own fields says (validly hashed or not) that the blob is malformed.
            throw new InvalidDataException($"{source}: the header is cut short", e);
        }
    }

    private static void WriteText(BinaryWriter writer, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        writer.Write((ushort)bytes.Length);
        writer.Write(bytes);
    }

    private static string ReadText(BinaryReader reader) => Encoding.UTF8.GetString(reader.ReadBytes(reader.ReadUInt16()));
}
