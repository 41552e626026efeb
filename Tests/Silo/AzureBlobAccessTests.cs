using OrleansSweeps.Silo.Blobs.Azure;

namespace OrleansSweeps.Tests.Silo;

/// <summary>
/// What <c>--blobs</c> and the environment resolve to, in the documented order (connection string, account URL
/// with DefaultAzureCredential, SAS URL), and no secret in any description or error.
/// </summary>
public sealed class AzureBlobAccessTests
{
    private const string Secret = "c2VjcmV0LWtleS1kby1ub3QtbG9nLXRoaXMtb25lLWV2ZXI=";
    private const string Connection = $"DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={Secret};EndpointSuffix=core.windows.net";
    private const string Sas = "sv=2025-11-05&se=2030-01-02T03%3A04%3A05Z&sr=c&sp=racwdl&sig=c2lnbmF0dXJlLWRvLW5vdC1sb2c%3D";

    [Fact]
    public void A_container_name_takes_the_connection_string_of_the_first_variable_set()
    {
        var both = Resolve("azure:sweeps", (AzureBlobAccess.ConnectionVariable, Connection), (AzureBlobAccess.AzureConnectionVariable, "UseDevelopmentStorage=true"));
        var azureOnly = Resolve("azure:sweeps", (AzureBlobAccess.AzureConnectionVariable, "UseDevelopmentStorage=true"));

        Assert.Equal((AzureBlobCredential.ConnectionString, "$SWEEPS_BLOB_CONNECTION", "acct", "https://acct.blob.core.windows.net/"),
            (both.Credential, both.Source, both.AccountName, both.ServiceEndpoint.AbsoluteUri));
        Assert.Equal(("devstoreaccount1", "http://127.0.0.1:10000/devstoreaccount1"), (azureOnly.AccountName, azureOnly.ServiceEndpoint.AbsoluteUri));
        Assert.Equal("account 'acct' at https://acct.blob.core.windows.net/, container 'sweeps'", both.ToString());
    }

    [Fact]
    public void An_account_url_signs_in_unless_the_connection_string_is_for_that_account()
    {
        var identity = Resolve("https://other.blob.core.windows.net/sweeps", (AzureBlobAccess.ConnectionVariable, Connection));
        var keyed = Resolve("https://acct.blob.core.windows.net/sweeps", (AzureBlobAccess.ConnectionVariable, Connection));

        Assert.Equal((AzureBlobCredential.AzureIdentity, "DefaultAzureCredential", "other", "sweeps"), (identity.Credential, identity.Source, identity.AccountName, identity.Container));
        Assert.Equal(AzureBlobCredential.ConnectionString, keyed.Credential);
    }

    [Fact]
    public void A_sas_url_is_its_own_credential_and_never_shown()
    {
        var access = Resolve($"https://acct.blob.core.windows.net/sweeps?{Sas}", (AzureBlobAccess.ConnectionVariable, Connection));
        var azurite = Resolve($"http://127.0.0.1:10000/devstoreaccount1/sweeps?{Sas}");

        Assert.Equal((AzureBlobCredential.Sas, new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero)), (access.Credential, access.SasExpiry));
        Assert.Equal(("devstoreaccount1", "sweeps"), (azurite.AccountName, azurite.Container));
        Assert.DoesNotContain("sig", access.ToString() + azurite.ToString());
        Assert.Equal("https://acct.blob.core.windows.net/sweeps?…", AzureBlobUrl.Redact($"https://acct.blob.core.windows.net/sweeps?{Sas}"));
    }

    [Theory]
    [InlineData("azure:sweeps", "set SWEEPS_BLOB_CONNECTION")]
    [InlineData("https://acct.blob.core.windows.net/Bad_Name", "container 'Bad_Name'")]
    [InlineData("http://127.0.0.1:10000/devstoreaccount1/sweeps", "only sent over https")]
    [InlineData("https://acct.blob.core.windows.net/", "no container")]
    [InlineData("https://acct.blob.core.windows.net/sweeps/a/blob", "names a blob")]
    [InlineData("https://acct.blob.core.windows.net/sweeps/a?" + Sas, "names a blob")]
    public void A_bad_blobs_value_names_the_problem_without_a_secret(string blobs, string problem)
    {
        var error = Assert.Throws<FormatException>(() => Resolve(blobs));

        Assert.Contains(problem, error.Message);
        Assert.DoesNotContain("sig=", error.Message);
        Assert.DoesNotContain("c2lnbmF0dXJl", error.Message);
    }

    [Theory]
    [InlineData("AccountName=acct")]
    [InlineData("AccountKey=" + Secret)]
    [InlineData("AccountName=acct;AccountKey=" + Secret + "!!")]
    [InlineData("AccountName=acct;c2VjcmV0LWtleS1kby1ub3QtbG9nLXRoaXMtb25lLWV2ZXI")]
    public void A_bad_connection_string_names_the_variable_never_the_key(string text)
    {
        var error = Assert.Throws<FormatException>(() => Resolve("azure:sweeps", (AzureBlobAccess.ConnectionVariable, text)));

        Assert.Contains("$SWEEPS_BLOB_CONNECTION is not a valid Azure Storage connection string", error.Message);
        Assert.DoesNotContain(Secret[..20], error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    private static AzureBlobAccess Resolve(string blobs, params (string Name, string Value)[] environment) =>
        AzureBlobAccess.Resolve(blobs, name => environment.FirstOrDefault(v => v.Name == name).Value);
}
