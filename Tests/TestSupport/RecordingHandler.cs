using System.Collections.Concurrent;

namespace OrleansSweeps.Tests.TestSupport;

/// <summary>
/// An HTTP handler in front of the real socket handler that records each request ("PUT /path?query") and
/// can lose the response of the first request matching <see cref="LoseResponseOf"/>: the request reaches the
/// server and is applied, then the client sees a broken connection, as when a network drops mid-answer.
/// </summary>
public sealed class RecordingHandler() : DelegatingHandler(new SocketsHttpHandler())
{
    private int _lost;

    public ConcurrentQueue<string> Requests { get; } = new();

    public Func<HttpRequestMessage, bool>? LoseResponseOf { get; set; }

    public int Count(string method, string queryPart) =>
        Requests.Count(r => r.StartsWith(method + " ", StringComparison.Ordinal) && r.Contains(queryPart, StringComparison.Ordinal));

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests.Enqueue($"{request.Method} {request.RequestUri!.PathAndQuery}");
        var response = await base.SendAsync(request, cancellationToken);
        if (LoseResponseOf is { } lose && lose(request) && Interlocked.Exchange(ref _lost, 1) == 0)
        {
            response.Dispose();
            throw new HttpRequestException("test: the response was lost on the way back");
        }
        return response;
    }
}
