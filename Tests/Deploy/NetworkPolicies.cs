using System.Globalization;

namespace OrleansSweeps.Tests.Deploy;

/// <summary>
/// Whether the NetworkPolicies let one pod of the namespace open a TCP connection to another, decided as Kubernetes
/// does: the sender's egress and the receiver's ingress must each allow it, where a pod that no policy of that type
/// selects is open in that direction, and a selected one only to what some rule names (peer and port). Peers match by
/// podSelector alone; a peer with a namespaceSelector or an ipBlock is taken to be outside the namespace.
/// </summary>
public static class NetworkPolicies
{
    /// <summary>What each side says about one pod connecting to another on a port.</summary>
    public readonly record struct Verdict(bool Egress, bool Ingress)
    {
        public bool Allowed => Egress && Ingress;

        /// <summary>Which side refuses, in words (empty when allowed).</summary>
        public string Refusal => (Egress, Ingress) switch
        {
            (false, false) => "no egress rule at the sender and no ingress rule at the receiver",
            (false, true) => "no egress rule at the sender",
            (true, false) => "no ingress rule at the receiver",
            _ => "",
        };
    }

    public static Verdict Check(IEnumerable<Dictionary<string, object?>> resources, IReadOnlyDictionary<string, object?> from, IReadOnlyDictionary<string, object?> to, int port)
    {
        var policies = resources.Where(r => Yaml.Str(r, "kind") == "NetworkPolicy").ToList();
        return new Verdict(Side(policies, from, "Egress", "egress", "to", to, port), Side(policies, to, "Ingress", "ingress", "from", from, port));
    }

    /// <summary>The labels of the pods a workload runs (its pod template's).</summary>
    public static IReadOnlyDictionary<string, object?> PodLabels(Dictionary<string, object?> workload) =>
        Yaml.Str(workload, "kind") == "Pod" ? Yaml.Map(workload, "metadata.labels") ?? [] : Yaml.Map(workload, "spec.template.metadata.labels") ?? [];

    /// <summary>Whether a label selector (matchLabels and matchExpressions; <c>{}</c> selects all) selects <paramref name="labels"/>.</summary>
    public static bool Selects(Dictionary<string, object?>? selector, IReadOnlyDictionary<string, object?> labels)
    {
        if (selector is null) return false;
        foreach (var (key, value) in Yaml.Map(selector, "matchLabels") ?? [])
        {
            if (!labels.TryGetValue(key, out var actual) || !Equals(actual, value)) return false;
        }
        foreach (var expression in Yaml.Maps(selector, "matchExpressions"))
        {
            var key = Yaml.Str(expression, "key") ?? "";
            var values = Yaml.List(expression, "values");
            var has = labels.TryGetValue(key, out var actual);
            var holds = Yaml.Str(expression, "operator") switch
            {
                "In" => has && values.Contains(actual),
                "NotIn" => !has || !values.Contains(actual),
                "Exists" => has,
                "DoesNotExist" => !has,
                _ => false,
            };
            if (!holds) return false;
        }
        return true;
    }

    private static bool Side(List<Dictionary<string, object?>> policies, IReadOnlyDictionary<string, object?> self, string type, string rules, string peers,
        IReadOnlyDictionary<string, object?> other, int port)
    {
        var selecting = policies.Where(p => Selects(Yaml.Map(p, "spec.podSelector"), self) && Types(p).Contains(type)).ToList();
        if (selecting.Count == 0) return true;
        return selecting.SelectMany(p => Yaml.Maps(p, "spec." + rules)).Any(rule => PeerMatches(rule, peers, other) && PortMatches(rule, port));
    }

    /// <summary>The policy's types; without policyTypes, Ingress always and Egress when it has egress rules.</summary>
    private static IReadOnlyList<object?> Types(Dictionary<string, object?> policy) =>
        Yaml.At(policy, "spec.policyTypes") is List<object?> types ? types
            : Yaml.At(policy, "spec.egress") is null ? ["Ingress"] : ["Ingress", "Egress"];

    private static bool PeerMatches(Dictionary<string, object?> rule, string peers, IReadOnlyDictionary<string, object?> other) =>
        Yaml.At(rule, peers) is null
        || Yaml.Maps(rule, peers).Any(p => Yaml.At(p, "namespaceSelector") is null && Yaml.At(p, "ipBlock") is null && Selects(Yaml.Map(p, "podSelector"), other));

    private static bool PortMatches(Dictionary<string, object?> rule, int port) =>
        Yaml.At(rule, "ports") is null
        || Yaml.Maps(rule, "ports").Any(p => (Yaml.Str(p, "protocol") ?? "TCP") == "TCP"
            && (Yaml.Str(p, "port") is not { } number || number == port.ToString(CultureInfo.InvariantCulture)));
}
