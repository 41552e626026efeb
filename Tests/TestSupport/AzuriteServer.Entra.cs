using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Azure.Core;
using OrleansSweeps.Silo.Blobs.Azure;

namespace OrleansSweeps.Tests.TestSupport;

/// <summary>
/// Azurite as a Microsoft Entra protected account: https with a self-signed certificate made here by openssl, and
/// <c>--oauth basic</c>, which checks a bearer token's issuer, audience and lifetime but not its signature. So the
/// store's token path (SDK bearer policy, https only) runs for real, with <see cref="UnsignedEntraToken"/>
/// standing in for what DefaultAzureCredential would fetch from Entra ID.
/// </summary>
public sealed partial class AzuriteServer
{
    /// <summary>A server that serves https and accepts Microsoft Entra tokens besides the account key.</summary>
    public static AzuriteServer WithEntra() => new(entra: true);

    /// <summary>The container's URL on this server, signed in with <paramref name="credential"/>.</summary>
    public AzureBlobAccess EntraAccess(string container, TokenCredential credential) =>
        AzureBlobAccess.FromAccountUrl(AzureBlobUrl.Parse($"{BlobEndpoint}/{container}"), credential);

    /// <summary>Trusts this server's self-signed certificate (and only for the tests that use it).</summary>
    public static HttpMessageHandler TrustingHandler() =>
        new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true } };

    private string[] EntraArguments()
    {
        var (cert, key) = (Path.Combine(_data.Path, "cert.pem"), Path.Combine(_data.Path, "key.pem"));
        var openssl = new ProcessStartInfo("openssl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                     "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert })
            openssl.ArgumentList.Add(arg);
        using var process = Process.Start(openssl)!;
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"openssl could not make Azurite's certificate: {error.Result}");
        return ["--cert", cert, "--key", key, "--oauth", "basic"];
    }
}

/// <summary>
/// An Entra access token as Azurite's basic OAuth reads it (JWT claims iss, aud, iat, nbf, exp; no signature), for
/// <paramref name="audience"/> (Azure Storage's by default), valid for an hour.
/// </summary>
public sealed class UnsignedEntraToken(string audience = "https://storage.azure.com") : TokenCredential
{
    public int Requests { get; private set; }

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        Requests++;
        var now = DateTimeOffset.UtcNow;
        var claims = new Dictionary<string, object>
        {
            ["aud"] = audience,
            ["iss"] = "https://sts.windows.net/00000000-0000-0000-0000-000000000000/",
            ["iat"] = now.AddMinutes(-5).ToUnixTimeSeconds(),
            ["nbf"] = now.AddMinutes(-5).ToUnixTimeSeconds(),
            ["exp"] = now.AddHours(1).ToUnixTimeSeconds(),
        };
        var token = $"{Base64Url("{\"alg\":\"none\",\"typ\":\"JWT\"}")}.{Base64Url(JsonSerializer.Serialize(claims))}.";
        return new AccessToken(token, now.AddHours(1));
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        ValueTask.FromResult(GetToken(requestContext, cancellationToken));

    private static string Base64Url(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
