using OrleansSweeps.Silo.Cluster;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Cluster;

/// <summary>
/// The real <c>sweeps silo</c> in the environment a pod gives it (the Downward API's variables and the kubelet's
/// KUBERNETES_SERVICE_HOST) turns on Orleans' Kubernetes hosting: here, with no service account token and no API
/// server, its agent fails the start with one line naming what the pod lacks, and a silo name other than the pod's is
/// refused. (That the agent works against a real API server is for a real cluster; see README "Run on Kubernetes".)
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterPodTests(ClusterFixture cluster)
{
    [Fact]
    public void A_silo_in_a_pod_uses_kubernetes_hosting_and_needs_its_token()
    {
        Assert.False(File.Exists(KubernetesHosting.TokenPath), "this machine has a service account token: the test cannot see the failure");
        var error = Fails(InPod(), "silo", "--slots", "1", "--device", "cpu", "--silo-port", "0", "--gateway-port", "0");
        Assert.Contains("Orleans' Kubernetes hosting has no in-cluster configuration", error);
        Assert.Contains(KubernetesHosting.TokenPath, error);
    }

    [Fact]
    public void A_silo_named_otherwise_than_its_pod_is_refused()
    {
        var error = Fails(InPod(), "silo", "--slots", "1", "--device", "cpu", "--silo-port", "0", "--gateway-port", "0", "--name", "worker-a");
        Assert.Contains("in pod silo-0: --name 'worker-a' differs from the pod's name", error);
    }

    /// <summary>The shared stores, and a pod's variables with an API server that is not there.</summary>
    private Dictionary<string, string> InPod()
    {
        var env = new Dictionary<string, string>(cluster.NewStores());
        foreach (var (name, value) in Silo.KubernetesHostingTests.Pod) env[name] = value;
        env["POD_NAME"] = "silo-0";
        env["KUBERNETES_SERVICE_PORT"] = "1";
        return env;
    }

    /// <summary>Runs the verb; asserts exit 1 with one error line within a minute, and returns that line.</summary>
    private static string Fails(IReadOnlyDictionary<string, string> env, params string[] args)
    {
        using var dir = new TempDirectory();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = Cli.Run(dir.Path, env, args);
        Assert.True(result.ExitCode == 1, $"exit {result.ExitCode}; stderr: {result.Stderr}");
        var lines = result.Stderr.Trim().Split('\n');
        Assert.True(lines.Length == 1 && lines[0].StartsWith("error: ", StringComparison.Ordinal), $"stderr: {result.Stderr}");
        Assert.True(clock.Elapsed < TimeSpan.FromMinutes(1), $"took {clock.Elapsed.TotalSeconds:F0} s");
        return lines[0];
    }
}
