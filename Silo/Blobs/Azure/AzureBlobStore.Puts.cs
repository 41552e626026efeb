using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace OrleansSweeps.Silo.Blobs.Azure;

/// <summary>Puts: one Put Blob up to the block size, else the SDK's parallel blocks and one commit; replay detection.</summary>
public sealed partial class AzureBlobStore
{
    /// <summary>Metadata carrying the nonce of the put that wrote the blob (x-ms-meta-sweepsput).</summary>
    internal const string PutNonceMetadata = "sweepsput";

    public async Task<string?> PutAsync(string key, ReadOnlyMemory<byte> content, BlobCondition condition = default, CancellationToken cancel = default)
    {
        var blob = BlobOf(key);
        var nonce = Guid.NewGuid().ToString("N");
        var conditions = condition.IfNoneExists ? new BlobRequestConditions { IfNoneMatch = ETag.All }
            : condition.IfMatch is { } etag ? new BlobRequestConditions { IfMatch = new ETag(etag) }
            : null;
        var upload = new BlobUploadOptions { Conditions = conditions, Metadata = new Dictionary<string, string> { [PutNonceMetadata] = nonce } };
        try
        {
            return (await UploadAsync(blob, content, upload, cancel).ConfigureAwait(false)).ETag.ToString();
        }
        // 409 BlobAlreadyExists (If-None-Match: *), 412 ConditionNotMet (If-Match), 404 (If-Match on no blob).
        catch (RequestFailedException e) when (conditions is not null && e.Status is 409 or 412 or 404 && e.ErrorCode != AzureBlobFailures.ContainerNotFound)
        {
            // The condition did not hold, or an earlier attempt of this very put landed, its answer was lost, and the
            // SDK's retry met our own write. The nonce tells which.
            var written = await PropertiesAsync(blob, $"check replayed put '{key}'", cancel).ConfigureAwait(false);
            return written is not null && written.Metadata.TryGetValue(PutNonceMetadata, out var found) && found == nonce ? written.ETag.ToString() : null;
        }
        catch (Exception e) when (AzureBlobFailures.Covers(e))
        {
            throw _failures.From(e, $"put '{key}'");
        }
    }

    /// <summary>
    /// Up to one block, one Put Blob. Above, the SDK's partitioned upload: blocks in parallel, one Put Block List.
    /// (That upload would send content of exactly the block size as a block and a commit: two requests and half the
    /// speed for the 4 MiB moment vectors.)
    /// </summary>
    private async Task<BlobContentInfo> UploadAsync(BlobClient blob, ReadOnlyMemory<byte> content, BlobUploadOptions upload, CancellationToken cancel)
    {
        if (content.Length <= _options.BlockSize)
            return await _container.GetBlockBlobClient(blob.Name).UploadAsync(BinaryData.FromBytes(content).ToStream(), upload, cancel).ConfigureAwait(false);
        upload.TransferOptions = _options.Transfer;
        return await blob.UploadAsync(BinaryData.FromBytes(content), upload, cancel).ConfigureAwait(false);
    }
}
