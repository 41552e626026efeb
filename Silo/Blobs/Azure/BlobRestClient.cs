using System.Net;
using System.Net.Sockets;
using OrleansSweeps.Silo.Storage;

namespace OrleansSweeps.Silo.Blobs.Azure;

/// <summary>
/// Sends signed Blob service requests (x-ms-version <see cref="ApiVersion"/>) and retries transient failures
/// per <see cref="AzureRetryPolicy"/>; every other answer, 404/409/412 included, goes back to the caller.
/// A rejected signature (403) and an endpoint still unreachable after the last attempt become one
/// <see cref="StorageUnavailableException"/> naming the account, endpoint and container, never the key.
/// </summary>
internal sealed class BlobRestClient : IDisposable
{
    public const string ApiVersion = "2021-08-06";

    private readonly HttpClient _http;
    private readonly SharedKeySigner _signer;
    private readonly AzureRetryPolicy _retry;
    private readonly TimeSpan _attemptTimeout;

    public BlobRestClient(AzureBlobConnection connection, string container, AzureBlobStoreOptions options, HttpMessageHandler? handler)
    {
        _http = new HttpClient(handler ?? new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(10), PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30) })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _signer = connection.CreateSigner();
        _retry = options.Retry;
        _attemptTimeout = options.AttemptTimeout;
        Where = $"Azure blob store {connection}, container '{container}'";
    }

    /// <summary>"Azure blob store account '…' at …, container '…'": the start of every error message.</summary>
    public string Where { get; }

    /// <summary>
    /// Sends the request <paramref name="build"/> makes (a fresh one per attempt); <paramref name="what"/>
    /// (e.g. "put 'k/a'") names it in errors.
    /// </summary>
    public async Task<BlobResponse> SendAsync(Func<HttpRequestMessage> build, string what, CancellationToken cancel)
    {
        for (var attempt = 1; ; attempt++)
        {
            var (answer, error) = await AttemptAsync(build, attempt, cancel).ConfigureAwait(false);
            if (answer is not null && !IsTransient(answer.Status)) return Checked(answer, what);
            var failure = answer is not null ? $"{(int)answer.Status} {answer.ErrorCode}".TrimEnd()
                : error is OperationCanceledException ? $"no answer within {_attemptTimeout.TotalSeconds:F0} s" : Reason(error!);
            if (attempt >= _retry.MaxAttempts)
                throw new StorageUnavailableException($"{Where}: {what}: no success after {attempt} attempts ({failure})", error);
            await Task.Delay(_retry.DelayBefore(attempt + 1), cancel).ConfigureAwait(false);
        }
    }

    /// <summary>One attempt: the answer, or the transport failure (refused, reset, timed out) that may be retried.</summary>
    private async Task<(BlobResponse? Answer, Exception? Error)> AttemptAsync(Func<HttpRequestMessage> build, int attempt, CancellationToken cancel)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(_attemptTimeout);
        using var request = build();
        request.Headers.Add("x-ms-version", ApiVersion);
        _signer.Sign(request);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false);
            return (BlobResponse.Read(response, body, retried: attempt > 1), null);
        }
        catch (Exception e) when (e is HttpRequestException or IOException || (e is OperationCanceledException && !cancel.IsCancellationRequested))
        {
            return (null, e);
        }
    }

    /// <summary>An error for an answer the caller does not expect: status and service error code.</summary>
    public StorageUnavailableException Unexpected(BlobResponse answer, string what) =>
        new($"{Where}: {what}: unexpected answer {(int)answer.Status} {answer.ErrorCode}".TrimEnd());

    public void Dispose() => _http.Dispose();

    private BlobResponse Checked(BlobResponse answer, string what) => answer.Status == HttpStatusCode.Forbidden
        ? throw new StorageUnavailableException($"{Where}: {what}: authentication failed (403 {answer.ErrorCode}); check AccountName and AccountKey")
        : answer;

    private static bool IsTransient(HttpStatusCode status) => status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests
        or HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;

    /// <summary>The innermost socket error when there is one ("Connection refused", "Name or service not known").</summary>
    private static string Reason(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
            if (inner is SocketException socket) return socket.Message;
        return e.Message;
    }
}
