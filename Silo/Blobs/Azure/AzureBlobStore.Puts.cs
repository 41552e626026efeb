using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace OrleansSweeps.Silo.Blobs.Azure;

/// <summary>Puts: one Put Blob for small content, staged blocks and one Put Block List for large; replay detection.</summary>
public sealed partial class AzureBlobStore
{
    /// <summary>Metadata (x-ms-meta-…) carrying the nonce of the put that wrote the blob.</summary>
    internal const string PutNonceHeader = "x-ms-meta-sweepsput";

    public async Task<string?> PutAsync(string key, ReadOnlyMemory<byte> content, BlobCondition condition = default, CancellationToken cancel = default)
    {
        BlobKeys.Validate(key);
        var nonce = Guid.NewGuid().ToString("N");
        var what = $"put '{key}'";
        var answer = content.Length <= _options.SingleUploadLimit
            ? await _client.SendAsync(() => PutBlobRequest(key, content, condition, nonce), what, cancel).ConfigureAwait(false)
            : await PutBlocksAsync(key, content, condition, nonce, what, cancel).ConfigureAwait(false);
        if (answer.Is(HttpStatusCode.Created)) return answer.ETag;
        if (IsLeaseConflict(answer)) throw new InvalidOperationException($"{_client.Where}: {what}: the blob is leased ({answer.ErrorCode})");
        var conditional = condition.IfNoneExists || condition.IfMatch is not null;
        // 409 BlobAlreadyExists (If-None-Match: *), 412 ConditionNotMet (If-Match), 404 (If-Match on no blob).
        if (!conditional || answer.Status is not (HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound))
            throw _client.Unexpected(answer, what);
        return answer.Retried ? await ETagIfWrittenByAsync(key, nonce, cancel).ConfigureAwait(false) : null;
    }

    /// <summary>
    /// An earlier attempt of this put may have landed and the conflict be with ourselves: the blob's ETag
    /// when its metadata carries our nonce, else null (someone else's write won).
    /// </summary>
    private async Task<string?> ETagIfWrittenByAsync(string key, string nonce, CancellationToken cancel)
    {
        var answer = await _client.SendAsync(() => Request(HttpMethod.Head, key), $"check replayed put '{key}'", cancel).ConfigureAwait(false);
        return answer.Is(HttpStatusCode.OK) && answer.Header(PutNonceHeader) == nonce ? answer.ETag : null;
    }

    private HttpRequestMessage PutBlobRequest(string key, ReadOnlyMemory<byte> content, BlobCondition condition, string nonce)
    {
        var request = Request(HttpMethod.Put, key);
        request.Content = new ReadOnlyMemoryContent(content);
        request.Content.Headers.ContentMD5 = MD5.HashData(content.Span);
        request.Headers.Add("x-ms-blob-type", "BlockBlob");
        Commit(request, condition, nonce);
        return request;
    }

    /// <summary>Stages the blocks (a bounded number in parallel), then commits them in one Put Block List.</summary>
    private async Task<BlobResponse> PutBlocksAsync(string key, ReadOnlyMemory<byte> content, BlobCondition condition, string nonce,
        string what, CancellationToken cancel)
    {
        var count = (int)((content.Length + (long)_options.BlockSize - 1) / _options.BlockSize);
        // Ids unique to this put: blocks staged by a concurrent put of the same key never get mixed in.
        var ids = Enumerable.Range(0, count).Select(i => Convert.ToBase64String(Encoding.ASCII.GetBytes($"{nonce}-{i:D6}"))).ToArray();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.MaxParallelBlocks, CancellationToken = cancel };
        await Parallel.ForEachAsync(Enumerable.Range(0, count), parallel, async (i, token) =>
        {
            var block = content.Slice(i * _options.BlockSize, Math.Min(_options.BlockSize, content.Length - (i * _options.BlockSize)));
            var blockWhat = $"{what} block {i + 1}/{count}";
            var answer = await _client.SendAsync(() =>
            {
                var request = Request(HttpMethod.Put, key, $"comp=block&blockid={Uri.EscapeDataString(ids[i])}");
                request.Content = new ReadOnlyMemoryContent(block);
                request.Content.Headers.ContentMD5 = MD5.HashData(block.Span);
                return request;
            }, blockWhat, token).ConfigureAwait(false);
            if (!answer.Is(HttpStatusCode.Created)) throw _client.Unexpected(answer, blockWhat);
        }).ConfigureAwait(false);

        var list = new StringBuilder("<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList>");
        foreach (var id in ids) list.Append("<Latest>").Append(id).Append("</Latest>");
        var body = Encoding.UTF8.GetBytes(list.Append("</BlockList>").ToString());
        return await _client.SendAsync(() =>
        {
            var request = Request(HttpMethod.Put, key, "comp=blocklist");
            request.Content = new ReadOnlyMemoryContent(body);
            Commit(request, condition, nonce);
            return request;
        }, what, cancel).ConfigureAwait(false);
    }

    /// <summary>The headers of the request that makes the content visible: condition and the put's nonce.</summary>
    private static void Commit(HttpRequestMessage request, BlobCondition condition, string nonce)
    {
        if (condition.IfNoneExists) request.Headers.TryAddWithoutValidation("If-None-Match", "*");
        else if (condition.IfMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", Quoted(condition.IfMatch));
        request.Headers.Add(PutNonceHeader, nonce);
    }

    private static bool IsLeaseConflict(BlobResponse answer) =>
        answer.Is(HttpStatusCode.PreconditionFailed) && answer.ErrorCode.StartsWith("Lease", StringComparison.Ordinal);
}
