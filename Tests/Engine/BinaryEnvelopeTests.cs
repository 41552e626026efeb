using System.Buffers.Binary;
using System.Security.Cryptography;
using OrleansSweeps.Engine.Storage;

namespace OrleansSweeps.Tests.Engine;

/// <summary>The frame every binary blob is stored in: header fields, SHA-256, and every way a file can be wrong.</summary>
public sealed class BinaryEnvelopeTests
{
    private const string Source = "blobs/x.bin";
    private static readonly byte[] Payload = Enumerable.Range(0, 24).Select(i => (byte)(i * 7)).ToArray();

    [Fact]
    public void Round_trip_keeps_header_and_payload()
    {
        var bytes = BinaryEnvelope.Wrap("tensor", "float32", [2, 3], Payload);

        var (header, payload) = BinaryEnvelope.Unwrap(bytes, "tensor", Source);

        Assert.Equal("tensor", header.Kind);
        Assert.Equal("float32", header.Dtype);
        Assert.Equal([2L, 3L], header.Shape);
        Assert.Equal(Payload, payload);
    }

    [Fact]
    public void Layout_is_magic_version_texts_shape_length_payload_hash()
    {
        var bytes = BinaryEnvelope.Wrap("tensor", "float32", [2, 3], Payload);

        Assert.Equal("OSWB"u8.ToArray(), bytes[..4]);
        Assert.Equal(BinaryEnvelope.FormatVersion, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4)));
        Assert.Equal(4 + 2 + (2 + 6) + (2 + 7) + 1 + 2 * 8 + 8 + Payload.Length + 32, bytes.Length);
        Assert.Equal(SHA256.HashData(bytes.AsSpan(0, bytes.Length - 32)), bytes[^32..]);
    }

    [Fact]
    public void Empty_payload_and_scalar_shape_round_trip()
    {
        var (header, payload) = BinaryEnvelope.Unwrap(BinaryEnvelope.Wrap("ü-kind", "", [], []), "ü-kind", Source);

        Assert.Equal("ü-kind", header.Kind);
        Assert.Equal("", header.Dtype);
        Assert.Empty(header.Shape);
        Assert.Empty(payload);
    }

    [Fact]
    public void Wrong_kind_is_rejected()
    {
        var bytes = BinaryEnvelope.Wrap("tensor", "float32", [2, 3], Payload);

        AssertRejected(bytes, "holds a 'tensor' blob, expected 'checkpoint'", kind: "checkpoint");
    }

    [Fact]
    public void Bad_magic_is_rejected()
    {
        var bytes = BinaryEnvelope.Wrap("tensor", "float32", [2, 3], Payload);
        bytes[0] = (byte)'X';

        AssertRejected(bytes, "bad magic");
    }

    [Theory]
    [InlineData(1, "SHA-256")]
    [InlineData(33, "SHA-256")]
    [InlineData(70, "too short")]
    public void Truncated_blob_is_rejected(int cut, string reason)
    {
        var bytes = BinaryEnvelope.Wrap("tensor", "float32", [2, 3], Payload);

        AssertRejected(bytes[..^cut], reason);
    }

    [Fact]
    public void Changed_payload_is_rejected()
    {
        var bytes = BinaryEnvelope.Wrap("tensor", "float32", [2, 3], Payload);
        bytes[bytes.Length - 32 - 5] ^= 0x10;

        AssertRejected(bytes, "SHA-256 mismatch");
    }

    [Fact]
    public void Unknown_version_is_rejected_even_with_a_valid_hash()
    {
        var bytes = Rehash(BinaryEnvelope.Wrap("tensor", "float32", [2, 3], Payload), b => b[4] = 2);

        AssertRejected(bytes, "version 2 is not supported");
    }

    [Fact]
    public void Payload_length_that_disagrees_with_the_file_is_rejected_even_with_a_valid_hash()
    {
        var bytes = BinaryEnvelope.Wrap("tensor", "float32", [2, 3], Payload);
        var lengthAt = bytes.Length - 32 - Payload.Length - 8;
        bytes = Rehash(bytes, b => BinaryPrimitives.WriteInt64LittleEndian(b.AsSpan(lengthAt), Payload.Length + 1));

        AssertRejected(bytes, "payload length 25 does not match");
    }

    [Fact]
    public void Header_cut_short_is_rejected_even_with_a_valid_hash()
    {
        // Magic and version only, correctly hashed: the reader runs out of bytes inside the header.
        byte[] body = [.. "OSWB"u8, 1, 0];
        AssertRejected([.. body, .. SHA256.HashData(body)], "cut short");
    }

    private static void AssertRejected(byte[] bytes, string reason, string kind = "tensor")
    {
        var error = Assert.Throws<InvalidDataException>(() => BinaryEnvelope.Unwrap(bytes, kind, Source));
        Assert.StartsWith(Source + ": ", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    /// <summary>Applies <paramref name="change"/> to the body and writes a matching hash, as a forger (or a buggy writer) would.</summary>
    private static byte[] Rehash(byte[] bytes, Action<byte[]> change)
    {
        var body = bytes[..^32];
        change(body);
        return [.. body, .. SHA256.HashData(body)];
    }
}
