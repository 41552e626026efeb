using System.Net;

namespace OrleansSweeps.Silo.Blobs.Azure;

/// <summary>
/// A Blob service response, read whole: status, headers (response and content, case-insensitive) and body.
/// <see cref="Retried"/> tells that an earlier attempt of the same request failed in a way that leaves
/// open whether the service applied it (the caller may be looking at the answer to its own replay).
/// </summary>
internal sealed record BlobResponse(HttpStatusCode Status, IReadOnlyDictionary<string, string> Headers, byte[] Body, bool Retried)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    /// <summary>The service's error code (x-ms-error-code), e.g. BlobAlreadyExists, ConditionNotMet.</summary>
    public string ErrorCode => Header("x-ms-error-code") ?? "";

    public string ETag => Header("ETag") ?? throw new InvalidDataException($"Blob service answered {(int)Status} without an ETag");

    public bool Is(HttpStatusCode status) => Status == status;

    public static BlobResponse Read(HttpResponseMessage response, byte[] body, bool retried)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in response.Headers.NonValidated) headers[name] = string.Join(',', values);
        foreach (var (name, values) in response.Content.Headers.NonValidated) headers[name] = string.Join(',', values);
        return new BlobResponse(response.StatusCode, headers, body, retried);
    }
}
