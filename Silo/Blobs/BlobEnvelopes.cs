using OrleansSweeps.Engine.Storage;

namespace OrleansSweeps.Silo.Blobs;

/// <summary>Binary blobs (checkpoints, moment and aggregate vectors) framed by <see cref="BinaryEnvelope"/>: header + SHA-256.</summary>
public static class BlobEnvelopes
{
    public static Task<string?> PutEnvelopeAsync(this IBlobStore store, string key, string kind, string dtype, IReadOnlyList<long> shape,
        ReadOnlySpan<byte> payload, BlobCondition condition = default, CancellationToken cancel = default) =>
        store.PutAsync(key, BinaryEnvelope.Wrap(kind, dtype, shape, payload), condition, cancel);

    /// <summary>
    /// The blob's header and payload, or null when there is none; a torn or corrupted blob, or one of
    /// another kind, throws <see cref="InvalidDataException"/> naming the key.
    /// </summary>
    public static async Task<(BinaryEnvelope.Header Header, byte[] Payload)?> GetEnvelopeAsync(this IBlobStore store, string key,
        string expectedKind, CancellationToken cancel = default)
    {
        var blob = await store.GetAsync(key, cancel).ConfigureAwait(false);
        return blob is null ? null : BinaryEnvelope.Unwrap(blob.Content, expectedKind, $"blob '{key}'");
    }
}
