using System.Security.Cryptography;
using System.Text;

namespace OrleansSweeps.Silo.Blobs.Azure;

/// <summary>
/// Shared Key authorization of Blob service requests (REST "Authorize with Shared Key", the string-to-sign
/// of version 2015-02-21 and later: a zero Content-Length is signed as the empty string). The date is sent
/// as <c>x-ms-date</c>, so the Date line is empty. Authorization is
/// <c>SharedKey {account}:{Base64(HMAC-SHA256(key, UTF-8(string-to-sign)))}</c>.
/// </summary>
public sealed class SharedKeySigner
{
    private readonly string _account;
    private readonly byte[] _key;

    internal SharedKeySigner(string account, byte[] key)
    {
        _account = account;
        _key = key;
    }

    /// <summary>Stamps <c>x-ms-date</c> (unless present) and sets the Authorization header.</summary>
    public void Sign(HttpRequestMessage request)
    {
        if (!request.Headers.Contains("x-ms-date")) request.Headers.Add("x-ms-date", DateTime.UtcNow.ToString("R"));
        request.Headers.TryAddWithoutValidation("Authorization", $"SharedKey {_account}:{Signature(StringToSign(request, _account), _key)}");
    }

    public static string Signature(string stringToSign, byte[] key) =>
        Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));

    /// <summary>
    /// VERB, Content-Encoding, Content-Language, Content-Length (empty when zero), Content-MD5, Content-Type,
    /// Date, If-Modified-Since, If-Match, If-None-Match, If-Unmodified-Since, Range, one per line; then the
    /// canonicalized x-ms- headers and the canonicalized resource.
    /// </summary>
    public static string StringToSign(HttpRequestMessage request, string account)
    {
        var length = request.Content?.Headers.ContentLength;
        var text = new StringBuilder();
        text.Append(request.Method.Method).Append('\n');
        foreach (var name in new[] { "Content-Encoding", "Content-Language" }) text.Append(Header(request, name)).Append('\n');
        text.Append(length is null or 0 ? "" : length.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append('\n');
        foreach (var name in new[] { "Content-MD5", "Content-Type", "Date", "If-Modified-Since", "If-Match", "If-None-Match", "If-Unmodified-Since", "Range" })
            text.Append(Header(request, name)).Append('\n');
        text.Append(CanonicalizedHeaders(request));
        text.Append(CanonicalizedResource(request.RequestUri!, account));
        return text.ToString();
    }

    /// <summary>Every <c>x-ms-</c> header, lower-cased, sorted by name, <c>name:value\n</c>, values trimmed.</summary>
    private static string CanonicalizedHeaders(HttpRequestMessage request)
    {
        var headers = request.Headers.NonValidated.Select(h => h.Key)
            .Concat(request.Content?.Headers.NonValidated.Select(h => h.Key) ?? [])
            .Where(name => name.StartsWith("x-ms-", StringComparison.OrdinalIgnoreCase))
            .Select(name => (Name: name.ToLowerInvariant(), Value: Header(request, name)))
            .OrderBy(h => h.Name, StringComparer.Ordinal);
        return string.Concat(headers.Select(h => $"{h.Name}:{h.Value.Trim()}\n"));
    }

    /// <summary>
    /// <c>/{account}{encoded path}</c>, then per query parameter (names lower-cased and sorted, values
    /// decoded, repeated values sorted and joined by commas) <c>\nname:value</c>. On Azurite the path
    /// itself starts with the account, so it appears twice, as Azurite expects.
    /// </summary>
    private static string CanonicalizedResource(Uri uri, string account)
    {
        var text = new StringBuilder("/").Append(account).Append(uri.AbsolutePath);
        var parameters = uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(part => part.Split('=', 2))
            .Select(pair => (Name: Uri.UnescapeDataString(pair[0]).ToLowerInvariant(), Value: pair.Length > 1 ? Uri.UnescapeDataString(pair[1]) : ""))
            .GroupBy(p => p.Name)
            .OrderBy(g => g.Key, StringComparer.Ordinal);
        foreach (var parameter in parameters)
            text.Append('\n').Append(parameter.Key).Append(':').Append(string.Join(',', parameter.Select(p => p.Value).Order(StringComparer.Ordinal)));
        return text.ToString();
    }

    private static string Header(HttpRequestMessage request, string name)
    {
        if (request.Headers.NonValidated.TryGetValues(name, out var values)) return string.Join(',', values);
        if (request.Content is not null && request.Content.Headers.NonValidated.TryGetValues(name, out var contentValues)) return string.Join(',', contentValues);
        return "";
    }
}
