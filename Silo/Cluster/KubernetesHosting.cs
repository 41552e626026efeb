using k8s;
using k8s.Exceptions;
using Orleans.Configuration;
using Orleans.Hosting;

namespace OrleansSweeps.Silo.Cluster;

/// <summary>
/// A cluster silo in a Kubernetes pod runs with Orleans' Kubernetes hosting (<c>UseKubernetesHosting</c>,
/// Microsoft.Orleans.Hosting.Kubernetes): the silo is named after its pod and advertises the pod's IP, and a cluster
/// agent on (at most two of) the silos watches the cluster's pods through the Kubernetes API, so a silo whose pod is
/// deleted is declared dead at once instead of after missed probes, and a silo still Active in the membership table
/// without a pod is declared dead when a silo starts. The agent reads the pod (get), lists and watches the pods
/// labelled with the cluster's ids (list, watch), and patches its own pod's labels only when they differ from the ids
/// (the manifests set them, so it never does). Outside a pod nothing changes.
/// </summary>
public static class KubernetesHosting
{
    /// <summary>Where the Kubernetes client reads the service account token the agent authenticates with.</summary>
    public const string TokenPath = "/var/run/secrets/kubernetes.io/serviceaccount/token";

    /// <summary>Kubernetes hosting for <paramref name="silo"/> when this process runs in a pod; <paramref name="name"/> is <c>--name</c>.</summary>
    public static void UseWhenInPod(ISiloBuilder silo, ClusterSettings cluster, string? name) =>
        UseWhenInPod(silo, cluster, name, Environment.GetEnvironmentVariable);

    /// <summary>The same, reading the pod from <paramref name="environment"/>; returns the pod, or null outside one.</summary>
    /// <exception cref="InvalidOperationException">The pod's variables contradict the silo's settings.</exception>
    public static KubernetesPod? UseWhenInPod(ISiloBuilder silo, ClusterSettings cluster, string? name, Func<string, string?> environment)
    {
        if (KubernetesPod.From(environment) is not { } pod) return null;
        Check(pod, cluster, name);
        silo.UseKubernetesHosting(options => options.Configure(k =>
        {
            k.GetClientConfiguration = InCluster;
            // Deleting a dead silo's pod would need the delete verb; the StatefulSet replaces its pods by itself.
            k.DeleteDefunctSiloPods = false;
        }));
        // ClusterHosting advertises the host's first non-loopback address, and the package keeps an address already
        // set; in a pod the Downward API's POD_IP is the one the other pods reach. An explicit --advertise still wins.
        if (cluster.AdvertisedAddress is null && pod.Address is { } address) silo.Configure<EndpointOptions>(o => o.AdvertisedIPAddress = address);
        return pod;
    }

    private static void Check(KubernetesPod pod, ClusterSettings cluster, string? name)
    {
        // The agent matches silos to pods by name: a silo named otherwise would look podless to it and be declared dead.
        if (name is not null && name != pod.Name)
            throw new InvalidOperationException($"in pod {pod.Name}: --name '{name}' differs from the pod's name, which Orleans' Kubernetes hosting gives the silo; leave --name out");
        // The package sets the silo's ids from these variables; the console's clients connect with the settings' ids.
        if (pod.ClusterId is { } clusterId && clusterId != cluster.ClusterId)
            throw new InvalidOperationException($"in pod {pod.Name}: ORLEANS_CLUSTER_ID '{clusterId}' differs from the cluster id '{cluster.ClusterId}' the console's clients connect to");
        if (pod.ServiceId is { } serviceId && serviceId != cluster.ServiceId)
            throw new InvalidOperationException($"in pod {pod.Name}: ORLEANS_SERVICE_ID '{serviceId}' differs from the service id '{cluster.ServiceId}' the cluster's state is kept under");
    }

    /// <summary>The package's own default (in-cluster configuration), with a failure that says what the pod lacks.</summary>
    private static KubernetesClientConfiguration InCluster()
    {
        try
        {
            return KubernetesClientConfiguration.InClusterConfig();
        }
        catch (KubeConfigException e)
        {
            // Not the client's own hint (automountServiceAccountToken: true): only the silo pods get a token, projected.
            throw new InvalidOperationException(
                $"Orleans' Kubernetes hosting has no in-cluster configuration: it needs KUBERNETES_SERVICE_HOST, KUBERNETES_SERVICE_PORT and the service account token at {TokenPath} (the projected volume in k8s/base/silo.yaml)", e);
        }
    }
}
