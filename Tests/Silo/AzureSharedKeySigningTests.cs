using System.Security.Cryptography;
using System.Text;
using OrleansSweeps.Silo.Blobs.Azure;

namespace OrleansSweeps.Tests.Silo;

/// <summary>
/// Shared Key signing against examples worked by hand from the documented rules (Authorize with Shared Key,
/// version 2015-02-21 and later), the signature computed here independently with HMAC-SHA256.
/// </summary>
public sealed class AzureSharedKeySigningTests
{
    private static readonly byte[] Key = Convert.FromBase64String(AzureBlobConnection.DevelopmentKey);

    [Fact]
    public void A_put_block_signs_length_md5_if_match_sorted_ms_headers_and_decoded_sorted_query()
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "http://127.0.0.1:10000/devstoreaccount1/c1/a%20b/x.bin?comp=block&blockid=QUJD%2B%3D");
        request.Content = new ByteArrayContent(Encoding.ASCII.GetBytes("abc"));
        request.Content.Headers.ContentMD5 = MD5.HashData(Encoding.ASCII.GetBytes("abc"));
        request.Headers.Add("x-ms-version", "2021-08-06");
        request.Headers.Add("x-ms-date", "Sun, 22 Nov 2026 10:00:00 GMT");
        request.Headers.Add("x-ms-meta-Run", "r1");
        request.Headers.TryAddWithoutValidation("If-Match", "\"0x1\"");

        // Verb; Content-Encoding, -Language empty; Content-Length 3; Content-MD5 of "abc"; Content-Type, Date,
        // If-Modified-Since empty; If-Match; If-None-Match, If-Unmodified-Since, Range empty. x-ms- headers
        // lower-cased and sorted; resource is /account + path (Azurite's path starts with the account too);
        // query names sorted, values decoded.
        const string Expected = "PUT\n\n\n3\nkAFQmDzST7DWlj99KOF/cg==\n\n\n\n\"0x1\"\n\n\n\n"
            + "x-ms-date:Sun, 22 Nov 2026 10:00:00 GMT\nx-ms-meta-run:r1\nx-ms-version:2021-08-06\n"
            + "/devstoreaccount1/devstoreaccount1/c1/a%20b/x.bin\nblockid:QUJD+=\ncomp:block";
        Assert.Equal(Expected, SharedKeySigner.StringToSign(request, "devstoreaccount1"));

        AzureBlobConnection.Development().CreateSigner().Sign(request);
        var expectedSignature = Convert.ToBase64String(new HMACSHA256(Key).ComputeHash(Encoding.UTF8.GetBytes(Expected)));
        Assert.Equal($"SharedKey devstoreaccount1:{expectedSignature}", string.Join(',', request.Headers.GetValues("Authorization")));
    }

    [Fact]
    public void A_list_request_without_body_signs_an_empty_length_and_joins_repeated_query_values()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://acct.blob.core.windows.net/c1?restype=container&comp=list&prefix=a%2Fb&Include=snapshots&include=metadata");
        request.Headers.Add("x-ms-date", "Sun, 22 Nov 2026 10:00:00 GMT");
        request.Headers.Add("x-ms-version", "2021-08-06");
        request.Headers.Add("x-ms-range", "bytes=0-9");

        const string Expected = "GET\n\n\n\n\n\n\n\n\n\n\n\n"
            + "x-ms-date:Sun, 22 Nov 2026 10:00:00 GMT\nx-ms-range:bytes=0-9\nx-ms-version:2021-08-06\n"
            + "/acct/c1\ncomp:list\ninclude:metadata,snapshots\nprefix:a/b\nrestype:container";
        Assert.Equal(Expected, SharedKeySigner.StringToSign(request, "acct"));
        Assert.Equal(Convert.ToBase64String(HMACSHA256.HashData(Key, Encoding.UTF8.GetBytes(Expected))), SharedKeySigner.Signature(Expected, Key));
    }
}
