using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace OrleansSweeps.Tests.TestSupport;

/// <summary>
/// A loopback OTLP/HTTP receiver: accepts protobuf posts on <c>/v1/metrics</c> and <c>/v1/traces</c> (answering 200
/// with an empty export response) and decodes the parts the tests check with <see cref="Protobuf"/>.
/// </summary>
public sealed class OtlpReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<(string Path, byte[] Body)> _posts = new();
    private readonly Task _loop;

    public OtlpReceiver(int? port = null)
    {
        Port = port ?? FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }

    public string Endpoint => $"http://127.0.0.1:{Port}";

    public IReadOnlyList<(string Path, byte[] Body)> Posts => _posts.ToArray();

    public static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    /// <summary>Names of the metrics in every post to /v1/metrics, of every scope (Meter) or of the one named.</summary>
    public IReadOnlySet<string> MetricNames(string? scope = null) =>
        Posts.Where(p => p.Path == "/v1/metrics")
            // ExportMetricsServiceRequest.resource_metrics(1) → ResourceMetrics.scope_metrics(2) → ScopeMetrics{scope(1), metrics(2)} → Metric.name(1)
            .SelectMany(p => Protobuf.Messages(p.Body, 1).SelectMany(r => Protobuf.Messages(r, 2)))
            .Where(s => scope is null || ScopeName(s) == scope)
            .SelectMany(s => Protobuf.Messages(s, 2))
            .Select(m => Protobuf.String(m, 1)!).ToHashSet();

    /// <summary>Every span in every post to /v1/traces, with the service name of its resource and its scope (ActivitySource).</summary>
    public IReadOnlyList<Span> Spans() =>
        Posts.Where(p => p.Path == "/v1/traces")
            // ExportTraceServiceRequest.resource_spans(1) → ResourceSpans{resource(1), scope_spans(2)} → ScopeSpans{scope(1), spans(2)}
            .SelectMany(p => Protobuf.Messages(p.Body, 1))
            .SelectMany(r => Protobuf.Messages(r, 2).SelectMany(s => Protobuf.Messages(s, 2).Select(span => Span.Parse(span, ServiceName(r), ScopeName(s)))))
            .ToArray();

    /// <summary>ScopeMetrics / ScopeSpans.scope(1): InstrumentationScope.name(1).</summary>
    private static string? ScopeName(byte[] scoped) => Protobuf.Messages(scoped, 1).Select(i => Protobuf.String(i, 1)).FirstOrDefault();

    private static string? ServiceName(byte[] resourceSpans) =>
        Protobuf.Messages(resourceSpans, 1).SelectMany(r => Protobuf.Messages(r, 1)).Select(KeyValue)
            .FirstOrDefault(kv => kv.Key == "service.name").Value;

    /// <summary>A KeyValue{key(1), value(2): AnyValue{string_value(1) | int_value(3) …}} as text.</summary>
    private static (string Key, string? Value) KeyValue(byte[] kv)
    {
        var value = Protobuf.Messages(kv, 2).FirstOrDefault();
        if (value is null) return (Protobuf.String(kv, 1)!, null);
        var text = Protobuf.String(value, 1) ?? Protobuf.Varints(value, 3).Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
        return (Protobuf.String(kv, 1)!, text);
    }

    /// <summary>Span{trace_id(1), span_id(2), parent_span_id(4), name(5), attributes(9), links(13): Link{trace_id(1), span_id(2)}}.</summary>
    public sealed record Span(string Name, string TraceId, string SpanId, string ParentSpanId, IReadOnlyDictionary<string, string?> Attributes,
        IReadOnlyList<(string TraceId, string SpanId)> Links, string? Service, string? Scope)
    {
        public static Span Parse(byte[] span, string? service, string? scope) => new(
            Protobuf.String(span, 5)!,
            Hex(Protobuf.Bytes(span, 1).FirstOrDefault()),
            Hex(Protobuf.Bytes(span, 2).FirstOrDefault()),
            Hex(Protobuf.Bytes(span, 4).FirstOrDefault()),
            Protobuf.Messages(span, 9).Select(KeyValue).ToDictionary(kv => kv.Key, kv => kv.Value),
            Protobuf.Messages(span, 13).Select(l => (Hex(Protobuf.Bytes(l, 1).FirstOrDefault()), Hex(Protobuf.Bytes(l, 2).FirstOrDefault()))).ToArray(),
            service, scope);

        private static string Hex(byte[]? bytes) => bytes is null ? "" : Convert.ToHexStringLower(bytes);
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body).ConfigureAwait(false);
            _posts.Enqueue((context.Request.Url!.AbsolutePath, body.ToArray()));
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.ContentLength64 = 0;
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _loop.Wait(TimeSpan.FromSeconds(5));
    }
}

/// <summary>A minimal protobuf wire-format reader: the fields of one message, by number.</summary>
public static class Protobuf
{
    /// <summary>Length-delimited fields <paramref name="field"/> (embedded messages, strings, bytes).</summary>
    public static IEnumerable<byte[]> Bytes(byte[] message, int field) =>
        Fields(message).Where(f => f.Number == field && f.Bytes is not null).Select(f => f.Bytes!);

    public static IEnumerable<byte[]> Messages(byte[] message, int field) => Bytes(message, field);

    public static string? String(byte[] message, int field) => Bytes(message, field).Select(b => Encoding.UTF8.GetString(b)).FirstOrDefault();

    public static IEnumerable<long> Varints(byte[] message, int field) =>
        Fields(message).Where(f => f.Number == field && f.Bytes is null).Select(f => f.Varint);

    private static List<(int Number, byte[]? Bytes, long Varint)> Fields(byte[] message)
    {
        var fields = new List<(int, byte[]?, long)>();
        var at = 0;
        while (at < message.Length)
        {
            var key = ReadVarint(message, ref at);
            var number = (int)(key >> 3);
            switch ((int)(key & 7))
            {
                case 0:
                    fields.Add((number, null, (long)ReadVarint(message, ref at)));
                    break;
                case 1:
                    at += 8;
                    break;
                case 2:
                    var length = (int)ReadVarint(message, ref at);
                    fields.Add((number, message[at..(at + length)], 0));
                    at += length;
                    break;
                case 5:
                    at += 4;
                    break;
                default:
                    throw new InvalidDataException($"protobuf wire type {key & 7} at byte {at}");
            }
        }
        return fields;
    }

    private static ulong ReadVarint(byte[] bytes, ref int at)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = bytes[at++];
            value |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0) return value;
        }
    }
}
