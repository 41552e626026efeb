namespace OrleansSweeps.Tests.Deploy;

/// <summary>
/// The silos as an Orleans cluster on Kubernetes, in the rendered manifests: the Orleans ports on the silo container
/// and in the NetworkPolicies both ways, the Downward API variables, and least-privilege API access for the silo
/// ServiceAccount only. Each check also runs on a copy of the gpu overlay broken in one place, and must catch it.
/// </summary>
public sealed class OrleansManifestTests
{
    [Theory]
    [InlineData("base")]
    [InlineData("overlays/dev")]
    [InlineData("overlays/gpu")]
    public void The_silos_form_an_orleans_cluster_with_least_privilege(string dir)
    {
        var resources = Kustomize.Render(dir);
        var silo = ManifestChecks.Silos(resources).Single();
        Assert.Equal((11111, 30000), ManifestChecks.OrleansPorts(silo));
        Assert.Empty(ManifestChecks.SiloPorts(resources));
        Assert.Empty(ManifestChecks.OrleansFlows(resources));
        Assert.Empty(ManifestChecks.DownwardApi(resources));
        Assert.Empty(ManifestChecks.KubernetesApiAccess(resources));
        Assert.Single(resources, r => Yaml.Str(r, "kind") == "RoleBinding");
    }

    [Fact]
    public void The_port_check_catches_a_missing_or_different_container_port()
    {
        var noGateway = Broken(silo => Yaml.Maps(silo, "ports").ToList().ForEach(p => { if (Yaml.Str(p, "name") == "gateway") p["name"] = "gw"; }));
        Assert.Equal(["StatefulSet/silo container silo: no container port named gateway (30000)"], ManifestChecks.SiloPorts(noGateway));
        var moved = Broken(silo => SetArg(silo, "--silo-port", "12000"));
        Assert.Equal(["StatefulSet/silo container silo: container port silo is 11111, the silo listens on 12000"], ManifestChecks.SiloPorts(moved));
        var free = Broken(silo => SetArg(silo, "--gateway-port", "0"));
        Assert.Single(ManifestChecks.SiloPorts(free));
    }

    [Fact]
    public void The_flow_check_catches_each_missing_side_and_a_flow_too_many()
    {
        var noClientEgress = Without("NetworkPolicy/client-egress-gateways");
        Assert.Equal(["client -> silo on 30000: no egress rule at the sender"], ManifestChecks.OrleansFlows(noClientEgress));
        var noSiloEgress = Without("NetworkPolicy/silo-egress-orleans");
        Assert.Equal(["silo -> silo on 11111: no egress rule at the sender", "silo -> silo on 30000: no egress rule at the sender"], ManifestChecks.OrleansFlows(noSiloEgress));
        var noPostgres = Without("NetworkPolicy/postgres-ingress");
        Assert.Equal(["silo -> postgres on 5432: no ingress rule at the receiver", "client -> postgres on 5432: no ingress rule at the receiver"],
            ManifestChecks.OrleansFlows(noPostgres));

        // Both sides opened for one flow too many: the silos' ingress to everyone, the Job's egress to the silo port.
        var open = Copy(Good);
        open.Single(r => Yaml.Name(r) == "NetworkPolicy/silo-ingress")["spec"] = new Dictionary<string, object?>
        {
            ["podSelector"] = new Dictionary<string, object?>(), ["policyTypes"] = new List<object?> { "Ingress" },
            ["ingress"] = new List<object?> { new Dictionary<string, object?>() },
        };
        var jobEgress = Yaml.Maps(open.Single(r => Yaml.Name(r) == "NetworkPolicy/client-egress-gateways"), "spec.egress").Single();
        ((List<object?>)jobEgress["ports"]!).Add(new Dictionary<string, object?> { ["protocol"] = "TCP", ["port"] = "11111" });
        Assert.Equal(["Job/submit-sweep -> silo on 11111 is allowed"], ManifestChecks.OrleansFlows(open));
    }

    [Fact]
    public void The_downward_api_check_catches_a_missing_variable_and_a_wrong_label()
    {
        var noIp = Broken(silo => ((List<object?>)silo["env"]!).RemoveAll(e => Yaml.Str(e, "name") == "POD_IP"));
        Assert.Equal(["StatefulSet/silo container silo: POD_IP is not set, not the field status.podIP"], ManifestChecks.DownwardApi(noIp));
        var literal = Broken(silo => Yaml.Maps(silo, "env").Single(e => Yaml.Str(e, "name") == "POD_NAME")["valueFrom"] = null);
        Assert.Single(ManifestChecks.DownwardApi(literal));
        var otherCluster = Edit("StatefulSet/silo", s => Yaml.Map(s, "spec.template.metadata.labels")!["orleans/clusterId"] = "blue");
        Assert.Equal(["StatefulSet/silo container silo: pod label orleans/clusterId is blue, not 'sweeps'"], ManifestChecks.DownwardApi(otherCluster));
    }

    [Fact]
    public void The_api_access_check_catches_more_verbs_other_subjects_cluster_roles_and_stray_tokens()
    {
        var patch = Edit("Role/silo-pod-reader", r => ((List<object?>)Yaml.Maps(r, "rules").Single()["verbs"]!).Add("patch"));
        Assert.Equal(["Role/silo-pod-reader: grants patch, which the agent does not use"], ManifestChecks.KubernetesApiAccess(patch));
        var secrets = Edit("Role/silo-pod-reader", r => Yaml.Maps(r, "rules").Single()["resources"] = new List<object?> { "pods", "secrets" });
        Assert.Single(ManifestChecks.KubernetesApiAccess(secrets));
        var client = Edit("RoleBinding/silo-pod-reader", b => ((List<object?>)b["subjects"]!).Add(new Dictionary<string, object?> { ["kind"] = "ServiceAccount", ["name"] = "sweeps-client" }));
        Assert.Equal(["RoleBinding/silo-pod-reader: binds ServiceAccount sweeps-client, not the silos' ServiceAccount"], ManifestChecks.KubernetesApiAccess(client));
        var unbound = Without("RoleBinding/silo-pod-reader");
        Assert.Equal(3, ManifestChecks.KubernetesApiAccess(unbound).Count(v => v.Contains("not granted", StringComparison.Ordinal)));
        var clusterWide = Copy(Good).Append(new Dictionary<string, object?> { ["kind"] = "ClusterRole", ["metadata"] = new Dictionary<string, object?> { ["name"] = "x" } }).ToList();
        Assert.Equal(["ClusterRole/x: cluster-wide RBAC (only a namespaced Role is needed)"], ManifestChecks.KubernetesApiAccess(clusterWide));

        var siloVolume = Workloads.PodSpec(Good.Single(r => Yaml.Name(r) == "StatefulSet/silo"))!;
        var tokenVolume = Yaml.Maps(siloVolume, "volumes").Single(v => Yaml.Str(v, "name") == "kube-api-access");
        var jobToken = Edit("Job/submit-sweep", j => ((List<object?>)Workloads.PodSpec(j)!["volumes"]!).Add(Clone(tokenVolume)));
        Assert.Equal(["Job/submit-sweep: projects a Kubernetes API token"], ManifestChecks.KubernetesApiAccess(jobToken));
        var elsewhere = Broken(silo => Yaml.Maps(silo, "volumeMounts").Single(m => Yaml.Str(m, "name") == "kube-api-access")["mountPath"] = "/token");
        Assert.Equal([$"StatefulSet/silo container silo: the API token is not mounted read-only at {ManifestChecks.ServiceAccountDir}"], ManifestChecks.KubernetesApiAccess(elsewhere));
    }

    [Fact]
    public void The_policy_evaluator_opens_unselected_pods_and_matches_selectors_and_ports()
    {
        var policies = Yaml.Documents("""
            kind: NetworkPolicy
            metadata: {name: a-ingress}
            spec:
              podSelector: {matchLabels: {app: a}}
              policyTypes: [Ingress]
              ingress:
                - from: [{podSelector: {matchExpressions: [{key: app, operator: In, values: [b, c]}]}}]
                  ports: [{protocol: TCP, port: 80}]
                - from: [{namespaceSelector: {}, podSelector: {}}]
            """, "policies");
        Dictionary<string, object?> Pod(string app) => new() { ["app"] = app };
        Assert.True(NetworkPolicies.Check(policies, Pod("b"), Pod("a"), 80).Allowed);
        Assert.Equal("no ingress rule at the receiver", NetworkPolicies.Check(policies, Pod("b"), Pod("a"), 81).Refusal);
        Assert.False(NetworkPolicies.Check(policies, Pod("d"), Pod("a"), 80).Allowed);
        Assert.True(NetworkPolicies.Check(policies, Pod("a"), Pod("b"), 1).Allowed);
    }

    private static IReadOnlyList<Dictionary<string, object?>> Good => Kustomize.Render("overlays/gpu");

    /// <summary>A deep copy of the gpu overlay with the silo container changed by <paramref name="change"/>.</summary>
    private static List<Dictionary<string, object?>> Broken(Action<Dictionary<string, object?>> change) =>
        Edit("StatefulSet/silo", s => change(Workloads.Containers([s]).Single(c => c.Name == "silo").Container));

    private static List<Dictionary<string, object?>> Edit(string name, Action<Dictionary<string, object?>> change)
    {
        var copy = Copy(Good);
        change(copy.Single(r => Yaml.Name(r) == name));
        return copy;
    }

    private static List<Dictionary<string, object?>> Without(string name) => Copy(Good).Where(r => Yaml.Name(r) != name).ToList();

    private static List<Dictionary<string, object?>> Copy(IEnumerable<Dictionary<string, object?>> resources) => resources.Select(Clone).ToList();

    private static Dictionary<string, object?> Clone(Dictionary<string, object?> map) => (Dictionary<string, object?>)CloneNode(map)!;

    private static object? CloneNode(object? node) => node switch
    {
        Dictionary<string, object?> map => map.ToDictionary(e => e.Key, e => CloneNode(e.Value), StringComparer.Ordinal),
        List<object?> list => list.Select(CloneNode).ToList(),
        _ => node,
    };

    private static void SetArg(Dictionary<string, object?> container, string flag, string value)
    {
        var args = (List<object?>)container["args"]!;
        args[args.IndexOf(flag) + 1] = value;
    }
}
