using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting.Kubernetes;
using OrleansSweeps.Silo.Cluster;

namespace OrleansSweeps.Tests.Silo;

/// <summary>
/// Orleans' Kubernetes hosting is used exactly when the process runs in a pod (a fake environment here, so no
/// process-wide variable changes under the tests that run beside these): it then registers the cluster agent,
/// advertises the Downward API's POD_IP unless --advertise was given, and refuses settings that contradict the pod.
/// </summary>
public sealed class KubernetesHostingTests
{
    /// <summary>What the Downward API and the kubelet give a silo pod (shared with the process-level ClusterPodTests).</summary>
    internal static readonly Dictionary<string, string> Pod = new()
    {
        ["POD_NAME"] = "silo-1",
        ["POD_NAMESPACE"] = "sweeps",
        ["POD_IP"] = "10.244.1.7",
        ["ORLEANS_CLUSTER_ID"] = "sweeps",
        ["ORLEANS_SERVICE_ID"] = "sweeps",
        [KubernetesPod.ApiServerVariable] = "10.96.0.1",
    };

    [Fact]
    public void Outside_a_pod_nothing_is_added()
    {
        foreach (var missing in new[] { "POD_NAME", KubernetesPod.ApiServerVariable })
        {
            using var built = Configure(Without(missing), new ClusterSettings(), name: null);
            Assert.Null(built.Pod);
            Assert.False(built.HasAgent, $"without {missing}");
            Assert.Equal(IPAddress.Loopback, built.Services.GetRequiredService<IOptions<EndpointOptions>>().Value.AdvertisedIPAddress);
        }
    }

    [Fact]
    public void In_a_pod_the_agent_runs_and_the_pod_ip_is_advertised()
    {
        using var built = Configure(Pod, new ClusterSettings(), name: null);
        Assert.Equal(new KubernetesPod("silo-1", "sweeps", IPAddress.Parse("10.244.1.7"), "sweeps", "sweeps"), built.Pod);
        Assert.True(built.HasAgent);
        var services = built.Services;
        var endpoints = services.GetRequiredService<IOptions<EndpointOptions>>().Value;
        Assert.Equal(IPAddress.Parse("10.244.1.7"), endpoints.AdvertisedIPAddress);
        Assert.Equal((11111, 30000), (endpoints.SiloPort, endpoints.GatewayPort));
        var ids = services.GetRequiredService<IOptions<ClusterOptions>>().Value;
        Assert.Equal(("sweeps", "sweeps"), (ids.ClusterId, ids.ServiceId));
        // Only get, list and watch are granted (k8s/base/rbac.yaml): the agent must never try to delete pods.
        Assert.False(built.Hosting().DeleteDefunctSiloPods);
    }

    [Fact]
    public void An_explicit_advertise_wins_over_the_pod_ip()
    {
        using var built = Configure(Pod, new ClusterSettings { AdvertisedAddress = IPAddress.Parse("10.0.0.9") }, name: "silo-1");
        Assert.Equal(IPAddress.Parse("10.0.0.9"), built.Services.GetRequiredService<IOptions<EndpointOptions>>().Value.AdvertisedIPAddress);
    }

    [Theory]
    [InlineData("POD_NAMESPACE", "", "POD_NAMESPACE is not set")]
    [InlineData("POD_IP", "not-an-ip", "POD_IP 'not-an-ip' is not an IP address")]
    [InlineData("ORLEANS_CLUSTER_ID", "other", "ORLEANS_CLUSTER_ID 'other' differs from the cluster id 'sweeps'")]
    [InlineData("ORLEANS_SERVICE_ID", "other", "ORLEANS_SERVICE_ID 'other' differs from the service id 'sweeps'")]
    public void Variables_that_contradict_the_silo_are_refused(string variable, string value, string message)
    {
        var env = new Dictionary<string, string>(Pod) { [variable] = value };
        var error = Assert.Throws<InvalidOperationException>(() => Configure(env, new ClusterSettings(), name: null));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void A_silo_name_other_than_the_pod_name_is_refused()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Configure(Pod, new ClusterSettings(), name: "worker-a"));
        Assert.Contains("--name 'worker-a' differs from the pod's name", error.Message);
    }

    [Fact]
    public void The_agent_without_a_token_fails_with_what_the_pod_lacks()
    {
        Assert.False(File.Exists(KubernetesHosting.TokenPath), "this machine has a service account token: the test cannot see the failure");
        using var built = Configure(Pod, new ClusterSettings(), name: null);
        var error = Assert.Throws<InvalidOperationException>(() => built.Hosting().GetClientConfiguration!());
        Assert.Contains(KubernetesHosting.TokenPath, error.Message);
        Assert.DoesNotContain("automountServiceAccountToken", error.Message);
    }

    private static Dictionary<string, string> Without(string variable) => Pod.Where(kv => kv.Key != variable).ToDictionary();

    /// <summary>A silo host configured as ClusterHosting does (endpoints first), built but not started.</summary>
    private static Built Configure(IReadOnlyDictionary<string, string> environment, ClusterSettings cluster, string? name)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        KubernetesPod? pod = null;
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering();
            silo.ConfigureEndpoints(cluster.AdvertisedAddress ?? IPAddress.Loopback, cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: true);
            silo.Services.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (cluster.ClusterId, cluster.ServiceId));
            pod = KubernetesHosting.UseWhenInPod(silo, cluster, name, v => environment.GetValueOrDefault(v));
        });
        return new Built(pod, builder.Services, builder.Build());
    }

    private sealed record Built(KubernetesPod? Pod, IServiceCollection Registrations, IHost Host) : IDisposable
    {
        public IServiceProvider Services => Host.Services;

        /// <summary>Whether the cluster agent is registered (seen without constructing it).</summary>
        public bool HasAgent => Registrations.Any(d => d.ImplementationType == typeof(KubernetesClusterAgent) || d.ServiceType == typeof(KubernetesClusterAgent));

        /// <summary>
        /// The Kubernetes hosting options as configured, without the package's validation: it reads the pod's
        /// namespace from this process's own environment, which has none.
        /// </summary>
        public KubernetesHostingOptions Hosting()
        {
            var options = new KubernetesHostingOptions();
            foreach (var configure in Services.GetServices<IConfigureOptions<KubernetesHostingOptions>>()) configure.Configure(options);
            return options;
        }

        public void Dispose() => Host.Dispose();
    }
}
