using System.Text;
using OrleansSweeps.Silo.Blobs.Azure;

namespace OrleansSweeps.Tests.Deploy;

/// <summary>
/// How the rendered overlays reach blob storage: dev through Azurite's connection string, gpu through workload
/// identity with no account key in any Secret. Each pod's SWEEPS_BLOBS is resolved by the product's own
/// <see cref="AzureBlobAccess"/>, so the manifests and the code cannot drift apart.
/// </summary>
public sealed class BlobCredentialTests
{
    private const string UseWorkloadIdentity = "azure.workload.identity/use";
    private const string ClientIdAnnotation = "azure.workload.identity/client-id";

    [Fact]
    public void The_gpu_overlay_signs_in_with_workload_identity_and_holds_no_storage_key()
    {
        var resources = Kustomize.Render("overlays/gpu");
        var pods = BlobUsers(resources);
        Assert.Equal(["Job/submit-sweep", "StatefulSet/silo"], pods.Select(c => Yaml.Name(c.Resource)).Order(StringComparer.Ordinal));
        foreach (var c in pods)
        {
            var access = AzureBlobAccess.Resolve(c.Env("SWEEPS_BLOBS")!, _ => null);
            Assert.Equal((AzureBlobCredential.AzureIdentity, "sweeps"), (access.Credential, access.Container));
            Assert.Equal("workloadidentitycredential", c.Env("AZURE_TOKEN_CREDENTIALS"));
            Assert.DoesNotContain(Yaml.Maps(c.Container, "env"), e => Yaml.Str(e, "name") is AzureBlobAccess.ConnectionVariable or AzureBlobAccess.AzureConnectionVariable);
            Assert.Equal("true", Yaml.Keys(Yaml.At(c.Resource, "spec.template.metadata"), "labels", UseWorkloadIdentity));
            var account = resources.Single(r => Yaml.Name(r) == $"ServiceAccount/{Yaml.Str(c.PodSpec, "serviceAccountName")}");
            Assert.False(string.IsNullOrEmpty(Yaml.Keys(account, "metadata", "annotations", ClientIdAnnotation)), $"{Yaml.Name(account)} has no {ClientIdAnnotation}");
        }
        foreach (var secret in resources.Where(r => Yaml.Str(r, "kind") == "Secret"))
        {
            var data = Yaml.Map(secret, "data") ?? [];
            Assert.DoesNotContain(AzureBlobAccess.ConnectionVariable, data.Keys);
            Assert.DoesNotContain(data.Values, v => Encoding.UTF8.GetString(Convert.FromBase64String(v!.ToString()!)).Contains("AccountKey", StringComparison.OrdinalIgnoreCase));
        }
    }

    [Fact]
    public void The_dev_overlay_uses_the_in_namespace_azurite_through_its_connection_string()
    {
        var resources = Kustomize.Render("overlays/dev");
        var secret = resources.Single(r => Yaml.Str(r, "kind") == "Secret");
        var connection = Encoding.UTF8.GetString(Convert.FromBase64String(Yaml.Keys(secret, "data", AzureBlobAccess.ConnectionVariable)!));
        var pods = BlobUsers(resources);
        Assert.Equal(2, pods.Count);
        foreach (var c in pods)
        {
            var access = AzureBlobAccess.Resolve(c.Env("SWEEPS_BLOBS")!, name => name == AzureBlobAccess.ConnectionVariable ? connection : null);
            Assert.Equal((AzureBlobCredential.ConnectionString, "http://azurite:10000/devstoreaccount1", "sweeps"),
                (access.Credential, access.ServiceEndpoint.AbsoluteUri, access.Container));
            Assert.Contains(Yaml.Maps(c.Container, "env"), e => Yaml.Str(e, "name") == AzureBlobAccess.ConnectionVariable
                && Yaml.Str(e, "valueFrom.secretKeyRef.key") == AzureBlobAccess.ConnectionVariable);
        }
        var azurite = Workloads.Containers(resources).Single(c => Yaml.Name(c.Resource) == "Deployment/azurite");
        Assert.Contains("--skipApiVersionCheck", azurite.ExpandedArgs());
        Assert.Contains("--disableTelemetry", azurite.ExpandedArgs());
    }

    /// <summary>The containers that run the `sweeps` console (silo and client), which need the blob store.</summary>
    private static List<ContainerInfo> BlobUsers(IReadOnlyList<Dictionary<string, object?>> resources) =>
        Workloads.Containers(resources).Where(c => !c.IsInit && Yaml.Name(c.Resource) is "StatefulSet/silo" or "Job/submit-sweep").ToList();
}
