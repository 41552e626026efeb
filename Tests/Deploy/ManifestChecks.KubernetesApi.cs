namespace OrleansSweeps.Tests.Deploy;

/// <summary>Who may talk to the Kubernetes API, and with what.</summary>
public static partial class ManifestChecks
{
    /// <summary>
    /// Least privilege: no cluster-wide RBAC; every RoleBinding binds only the silos' ServiceAccount, to a Role of this
    /// namespace that grants exactly what Orleans' Kubernetes agent uses (<see cref="AgentVerbs"/> on pods, nothing
    /// else); and an API token is projected only into the silo pods, mounted only in the silo container, where the
    /// Kubernetes client reads it.
    /// </summary>
    public static IEnumerable<string> KubernetesApiAccess(IReadOnlyList<Dictionary<string, object?>> resources)
    {
        var siloAccounts = Silos(resources).Select(c => Yaml.Str(c.PodSpec, "serviceAccountName") ?? "default").ToHashSet();
        foreach (var r in resources.Where(r => Yaml.Str(r, "kind") is "ClusterRole" or "ClusterRoleBinding"))
            yield return $"{Yaml.Name(r)}: cluster-wide RBAC (only a namespaced Role is needed)";
        var roles = resources.Where(r => Yaml.Str(r, "kind") == "Role").ToDictionary(r => Yaml.Str(r, "metadata.name") ?? "");
        var granted = new HashSet<string>();
        foreach (var binding in resources.Where(r => Yaml.Str(r, "kind") == "RoleBinding"))
        {
            foreach (var subject in Yaml.Maps(binding, "subjects"))
            {
                if (Yaml.Str(subject, "kind") != "ServiceAccount" || !siloAccounts.Contains(Yaml.Str(subject, "name") ?? ""))
                    yield return $"{Yaml.Name(binding)}: binds {Yaml.Str(subject, "kind")} {Yaml.Str(subject, "name")}, not the silos' ServiceAccount";
            }
            if (Yaml.Str(binding, "roleRef.kind") != "Role" || !roles.TryGetValue(Yaml.Str(binding, "roleRef.name") ?? "", out var role))
            {
                yield return $"{Yaml.Name(binding)}: refers to no Role of this namespace";
                continue;
            }
            foreach (var rule in Yaml.Maps(role, "rules"))
            {
                var verbs = Yaml.List(rule, "verbs").Select(v => v?.ToString() ?? "").ToList();
                if (Yaml.List(rule, "apiGroups") is not [""] || Yaml.List(rule, "resources") is not ["pods"] || Yaml.At(rule, "nonResourceURLs") is not null)
                    yield return $"{Yaml.Name(role)}: a rule on other than the core group's pods";
                foreach (var verb in verbs.Where(v => !AgentVerbs.Contains(v))) yield return $"{Yaml.Name(role)}: grants {verb}, which the agent does not use";
                granted.UnionWith(verbs);
            }
        }
        if (siloAccounts.Count > 0)
        {
            foreach (var verb in AgentVerbs.Where(v => !granted.Contains(v))) yield return $"the silos' ServiceAccount is not granted {verb} on pods, which the agent needs";
        }
        foreach (var problem in ProjectedTokens(resources, siloAccounts)) yield return problem;
    }

    private static IEnumerable<string> ProjectedTokens(IReadOnlyList<Dictionary<string, object?>> resources, HashSet<string> siloAccounts)
    {
        foreach (var workload in resources.Where(r => Workloads.PodSpec(r) is not null))
        {
            var pod = Workloads.PodSpec(workload)!;
            var tokens = Yaml.Maps(pod, "volumes").Where(v => Yaml.Maps(v, "projected.sources").Any(s => Yaml.At(s, "serviceAccountToken") is not null))
                .Select(v => Yaml.Str(v, "name")).ToHashSet();
            var isSilo = Silos([workload]).Any() && siloAccounts.Contains(Yaml.Str(pod, "serviceAccountName") ?? "default");
            if (!isSilo)
            {
                if (tokens.Count > 0) yield return $"{Yaml.Name(workload)}: projects a Kubernetes API token";
                continue;
            }
            if (tokens.Count != 1) { yield return $"{Yaml.Name(workload)}: {tokens.Count} projected API tokens, not one"; continue; }
            foreach (var c in Workloads.Containers([workload]))
            {
                var mounts = Yaml.Maps(c.Container, "volumeMounts").Where(m => tokens.Contains(Yaml.Str(m, "name"))).ToList();
                var silo = !c.IsInit && c.ExpandedArgs() is ["silo", ..];
                if (!silo && mounts.Count > 0) yield return $"{c.Where}: mounts the API token";
                if (silo && !mounts.Any(m => Yaml.Str(m, "mountPath") == ServiceAccountDir && Yaml.Str(m, "readOnly") == "true"))
                    yield return $"{c.Where}: the API token is not mounted read-only at {ServiceAccountDir}";
            }
        }
    }
}
