using System.Net;
using Orleans.Hosting.Kubernetes;

namespace OrleansSweeps.Silo.Cluster;

/// <summary>
/// The pod a silo runs in, as the Downward API tells it (k8s/base/silo.yaml): <c>POD_NAME</c>, <c>POD_NAMESPACE</c>,
/// <c>POD_IP</c>, and the cluster and service ids Orleans' Kubernetes hosting reads (<c>ORLEANS_CLUSTER_ID</c>,
/// <c>ORLEANS_SERVICE_ID</c>, which the manifests take from the pod's <c>orleans/…</c> labels).
/// </summary>
public sealed record KubernetesPod(string Name, string Namespace, IPAddress? Address, string? ClusterId, string? ServiceId)
{
    /// <summary>Set by the kubelet in every container (the API server's Service), never outside a pod.</summary>
    public const string ApiServerVariable = "KUBERNETES_SERVICE_HOST";

    /// <summary>
    /// The pod, or null outside one. A process is in a pod when both <c>POD_NAME</c> (ours, from the manifest) and
    /// <see cref="ApiServerVariable"/> (the kubelet's) are set: a stray <c>POD_NAME</c> on a workstation does not count.
    /// </summary>
    /// <exception cref="InvalidOperationException">In a pod, but <c>POD_NAMESPACE</c> is missing or <c>POD_IP</c> is no IP address.</exception>
    public static KubernetesPod? From(Func<string, string?> environment)
    {
        string? Get(string name) => environment(name) is { Length: > 0 } value ? value.Trim() : null;
        if (Get(KubernetesHostingOptions.PodNameEnvironmentVariable) is not { } name || Get(ApiServerVariable) is null) return null;
        var ns = Get(KubernetesHostingOptions.PodNamespaceEnvironmentVariable)
            ?? throw new InvalidOperationException($"in pod {name}: {KubernetesHostingOptions.PodNamespaceEnvironmentVariable} is not set (give it from the Downward API, fieldPath metadata.namespace)");
        IPAddress? address = null;
        if (Get(KubernetesHostingOptions.PodIPEnvironmentVariable) is { } ip && !IPAddress.TryParse(ip, out address))
            throw new InvalidOperationException($"in pod {name}: {KubernetesHostingOptions.PodIPEnvironmentVariable} '{ip}' is not an IP address");
        return new KubernetesPod(name, ns, address,
            Get(KubernetesHostingOptions.ClusterIdEnvironmentVariable), Get(KubernetesHostingOptions.ServiceIdEnvironmentVariable));
    }
}
