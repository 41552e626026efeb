using OrleansSweeps.Silo.Blobs.Azure;

namespace OrleansSweeps.Tests.Silo;

/// <summary>Standard Azure Storage connection strings, and the key kept out of every message.</summary>
public sealed class AzureBlobConnectionTests
{
    private const string Secret = "c2VjcmV0LWtleS1kby1ub3QtbG9nLXRoaXMtb25lLWV2ZXI=";

    [Fact]
    public void The_standard_form_gives_account_key_and_endpoint()
    {
        var explicitEndpoint = AzureBlobConnection.Parse($"DefaultEndpointsProtocol=http;AccountName=acct;AccountKey={Secret};BlobEndpoint=http://127.0.0.1:10000/acct/;");
        var derived = AzureBlobConnection.Parse($"DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={Secret};EndpointSuffix=core.windows.net");
        var development = AzureBlobConnection.Parse("UseDevelopmentStorage=true");

        Assert.Equal(("acct", "http://127.0.0.1:10000/acct"), (explicitEndpoint.AccountName, explicitEndpoint.BlobEndpoint.AbsoluteUri));
        Assert.Equal("https://acct.blob.core.windows.net/", derived.BlobEndpoint.AbsoluteUri);
        Assert.Equal(("devstoreaccount1", "http://127.0.0.1:10000/devstoreaccount1"), (development.AccountName, development.BlobEndpoint.AbsoluteUri));
        Assert.DoesNotContain(Secret, explicitEndpoint.ToString());
    }

    [Theory]
    [InlineData("AccountName=acct", "AccountKey is missing")]
    [InlineData("AccountKey=" + Secret, "AccountName is missing")]
    [InlineData("AccountName=acct;AccountKey=" + Secret + "!!", "AccountKey is not valid base64")]
    [InlineData("AccountName=acct;c2VjcmV0LWtleS1kby1ub3QtbG9nLXRoaXMtb25lLWV2ZXI", "is not Name=Value")]
    [InlineData("AccountName=acct;AccountKey=" + Secret + ";BlobEndpoint=ftp://x", "BlobEndpoint is not an http(s) address")]
    [InlineData("BlobEndpoint=http://x;SharedAccessSignature=sv=" + Secret, "SharedAccessSignature is not supported")]
    public void A_bad_connection_string_names_the_field_never_the_key(string text, string problem)
    {
        var error = Assert.Throws<FormatException>(() => AzureBlobConnection.Parse(text));

        Assert.Contains(problem, error.Message);
        Assert.DoesNotContain(Secret[..20], error.Message);
    }
}
