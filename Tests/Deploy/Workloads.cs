namespace OrleansSweeps.Tests.Deploy;

/// <summary>A container of a workload, with the pod spec it runs in.</summary>
public sealed record ContainerInfo(Dictionary<string, object?> Resource, Dictionary<string, object?> PodSpec, Dictionary<string, object?> Container, bool IsInit)
{
    public string Kind => Yaml.Str(Resource, "kind") ?? "";

    public string Name => Yaml.Str(Container, "name") ?? "";

    public string Where => $"{Yaml.Name(Resource)} container {Name}";

    /// <summary>Deployments, StatefulSets and DaemonSets run until stopped; Jobs and CronJobs finish.</summary>
    public bool LongRunning => Kind is "Deployment" or "StatefulSet" or "DaemonSet";

    /// <summary>An env var's literal value (null when unset or taken from a reference).</summary>
    public string? Env(string name) =>
        Yaml.Maps(Container, "env").Where(e => Yaml.Str(e, "name") == name).Select(e => Yaml.Str(e, "value")).FirstOrDefault();

    /// <summary>The container's arguments with <c>$(VAR)</c> expanded from its literal env, as the kubelet does.</summary>
    public IReadOnlyList<string> ExpandedArgs() =>
        Yaml.List(Container, "args").Select(a => System.Text.RegularExpressions.Regex.Replace(a?.ToString() ?? "", @"\$\(([A-Za-z_][A-Za-z0-9_]*)\)",
            m => Env(m.Groups[1].Value) ?? m.Value)).ToArray();

    /// <summary>The value after <paramref name="flag"/> in the expanded arguments.</summary>
    public string? Arg(string flag)
    {
        var args = ExpandedArgs();
        var i = args.ToList().IndexOf(flag);
        return i >= 0 && i + 1 < args.Count ? args[i + 1] : null;
    }
}

public static class Workloads
{
    public static Dictionary<string, object?>? PodSpec(Dictionary<string, object?> resource) => Yaml.Str(resource, "kind") switch
    {
        "Pod" => Yaml.Map(resource, "spec"),
        "Deployment" or "StatefulSet" or "DaemonSet" or "ReplicaSet" or "Job" => Yaml.Map(resource, "spec.template.spec"),
        "CronJob" => Yaml.Map(resource, "spec.jobTemplate.spec.template.spec"),
        _ => null,
    };

    public static IEnumerable<ContainerInfo> Containers(IEnumerable<Dictionary<string, object?>> resources)
    {
        foreach (var resource in resources)
        {
            if (PodSpec(resource) is not { } pod) continue;
            foreach (var c in Yaml.Maps(pod, "initContainers")) yield return new ContainerInfo(resource, pod, c, true);
            foreach (var c in Yaml.Maps(pod, "containers")) yield return new ContainerInfo(resource, pod, c, false);
        }
    }
}
