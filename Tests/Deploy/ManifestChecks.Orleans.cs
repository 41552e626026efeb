using System.Globalization;
using OrleansSweeps.Silo.Cluster;

namespace OrleansSweeps.Tests.Deploy;

/// <summary>The silos as an Orleans cluster on Kubernetes: ports, the pod's identity, and the Kubernetes API access.</summary>
public static partial class ManifestChecks
{
    /// <summary>Where the Kubernetes client reads its in-cluster configuration (token, CA, namespace).</summary>
    public const string ServiceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount";

    /// <summary>The verbs on pods Orleans' Kubernetes agent uses with DeleteDefunctSiloPods off and its labels preset (rbac.yaml).</summary>
    public static readonly string[] AgentVerbs = ["get", "list", "watch"];

    /// <summary>The Downward API fields Orleans' Kubernetes hosting reads, by variable.</summary>
    public static readonly IReadOnlyDictionary<string, string> PodFields = new Dictionary<string, string>
    {
        ["POD_NAME"] = "metadata.name",
        ["POD_NAMESPACE"] = "metadata.namespace",
        ["POD_IP"] = "status.podIP",
        ["ORLEANS_CLUSTER_ID"] = "metadata.labels['orleans/clusterId']",
        ["ORLEANS_SERVICE_ID"] = "metadata.labels['orleans/serviceId']",
    };

    /// <summary>A silo container's silo-to-silo and gateway ports: its flags, else the <see cref="ClusterSettings"/> defaults.</summary>
    public static (int Silo, int Gateway) OrleansPorts(ContainerInfo silo)
    {
        var defaults = new ClusterSettings();
        static int Parse(string? value, int fallback) => value is null ? fallback : int.TryParse(value, CultureInfo.InvariantCulture, out var port) ? port : -1;
        return (Parse(silo.Arg("--silo-port"), defaults.SiloPort), Parse(silo.Arg("--gateway-port"), defaults.GatewayPort));
    }

    /// <summary>Each silo container declares its silo and gateway ports (fixed, not 0) as container ports named <c>silo</c> and <c>gateway</c>.</summary>
    public static IEnumerable<string> SiloPorts(IEnumerable<Dictionary<string, object?>> resources)
    {
        foreach (var c in Silos(resources))
        {
            var (silo, gateway) = OrleansPorts(c);
            foreach (var (name, port) in new[] { ("silo", silo), ("gateway", gateway) })
            {
                if (port is < 1 or > 65535) { yield return $"{c.Where}: {name} port {port} is no fixed port a policy can name"; continue; }
                var declared = Yaml.Maps(c.Container, "ports").FirstOrDefault(p => Yaml.Str(p, "name") == name);
                if (declared is null) yield return $"{c.Where}: no container port named {name} ({port})";
                else if (Yaml.Str(declared, "containerPort") != port.ToString(CultureInfo.InvariantCulture))
                    yield return $"{c.Where}: container port {name} is {Yaml.Str(declared, "containerPort")}, the silo listens on {port}";
            }
        }
    }

    /// <summary>
    /// The NetworkPolicies allow, both ways, silo to silo on both Orleans ports, the submit Job to the gateways, and
    /// the silos and the Job to PostgreSQL; and no other workload reaches a silo's Orleans ports, nor the Job the silo port.
    /// </summary>
    public static IEnumerable<string> OrleansFlows(IReadOnlyList<Dictionary<string, object?>> resources)
    {
        var silo = Silos(resources).FirstOrDefault();
        var client = Workloads.Containers(resources).FirstOrDefault(c => c.Kind == "Job" && (Yaml.Str(c.Container, "image") ?? "").Contains("sweeps-client", StringComparison.Ordinal));
        var postgres = resources.FirstOrDefault(r => Workloads.PodSpec(r) is not null && Yaml.Str(r, "metadata.name") == "postgres");
        if (silo is null || client is null || postgres is null) { yield return "no silo, submit Job or postgres workload"; yield break; }
        var (siloPort, gatewayPort) = OrleansPorts(silo);
        var pods = new Dictionary<string, IReadOnlyDictionary<string, object?>>
        {
            ["silo"] = NetworkPolicies.PodLabels(silo.Resource),
            ["client"] = NetworkPolicies.PodLabels(client.Resource),
            ["postgres"] = NetworkPolicies.PodLabels(postgres),
        };
        foreach (var (from, to, port) in new[]
        {
            ("silo", "silo", siloPort), ("silo", "silo", gatewayPort), ("client", "silo", gatewayPort), ("silo", "postgres", 5432), ("client", "postgres", 5432),
        })
        {
            var verdict = NetworkPolicies.Check(resources, pods[from], pods[to], port);
            if (!verdict.Allowed) yield return $"{from} -> {to} on {port}: {verdict.Refusal}";
        }
        foreach (var other in resources.Where(r => Workloads.PodSpec(r) is not null && r != silo.Resource))
        {
            var labels = NetworkPolicies.PodLabels(other);
            foreach (var port in other == client.Resource ? [siloPort] : new[] { siloPort, gatewayPort })
            {
                if (NetworkPolicies.Check(resources, labels, pods["silo"], port).Allowed) yield return $"{Yaml.Name(other)} -> silo on {port} is allowed";
            }
        }
    }

    /// <summary>
    /// Silo pods carry the Downward API variables Orleans' Kubernetes hosting reads, and the <c>orleans/…</c> labels the
    /// ids come from equal the ids the console's clients connect with.
    /// </summary>
    public static IEnumerable<string> DownwardApi(IEnumerable<Dictionary<string, object?>> resources)
    {
        var ids = new ClusterSettings();
        foreach (var c in Silos(resources))
        {
            foreach (var (variable, field) in PodFields)
            {
                var env = Yaml.Maps(c.Container, "env").FirstOrDefault(e => Yaml.Str(e, "name") == variable);
                var actual = env is null ? null : Yaml.Str(env, "valueFrom.fieldRef.fieldPath");
                if (actual != field) yield return $"{c.Where}: {variable} is {(env is null ? "not set" : actual ?? "not from the Downward API")}, not the field {field}";
            }
            var labels = NetworkPolicies.PodLabels(c.Resource);
            foreach (var (label, id) in new[] { ("orleans/clusterId", ids.ClusterId), ("orleans/serviceId", ids.ServiceId) })
            {
                if (!Equals(labels.GetValueOrDefault(label), id)) yield return $"{c.Where}: pod label {label} is {labels.GetValueOrDefault(label) ?? "missing"}, not '{id}'";
            }
        }
    }
}
