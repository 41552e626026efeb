using System.Globalization;
using System.Text.RegularExpressions;

namespace OrleansSweeps.Tests.Deploy;

/// <summary>
/// The deployment's invariants as functions from manifests to violations (empty: it holds), so each one can be
/// run on the real manifests and on a deliberately broken snippet.
/// </summary>
public static partial class ManifestChecks
{
    public const string Gpu = "nvidia.com/gpu";

    /// <summary>An image reference with a tag that is neither missing nor <c>latest</c> (a digest may follow).</summary>
    public static string? ImageProblem(string? image)
    {
        if (string.IsNullOrWhiteSpace(image)) return "no image";
        var at = image.IndexOf('@', StringComparison.Ordinal);
        var name = at >= 0 ? image[..at] : image;
        if (at >= 0 && !DigestPattern().IsMatch(image[(at + 1)..])) return $"image {image}: malformed digest";
        var colon = name.LastIndexOf(':');
        if (colon < 0 || colon < name.LastIndexOf('/')) return $"image {image}: no tag";
        var tag = name[(colon + 1)..];
        if (tag.Length == 0 || tag.Equals("latest", StringComparison.OrdinalIgnoreCase)) return $"image {image}: tag '{tag}' is not a pinned version";
        return null;
    }

    public static IEnumerable<string> ImagesPinned(IEnumerable<Dictionary<string, object?>> resources) =>
        Workloads.Containers(resources).Select(c => ImageProblem(Yaml.Str(c.Container, "image")) is { } p ? $"{c.Where}: {p}" : null).OfType<string>();

    public static IEnumerable<string> ProbesOnLongRunning(IEnumerable<Dictionary<string, object?>> resources)
    {
        foreach (var c in Workloads.Containers(resources).Where(c => c.LongRunning && !c.IsInit))
        {
            if (Yaml.Map(c.Container, "livenessProbe") is null) yield return $"{c.Where}: no livenessProbe";
            if (Yaml.Map(c.Container, "readinessProbe") is null) yield return $"{c.Where}: no readinessProbe";
        }
    }

    public static IEnumerable<string> ResourcesSet(IEnumerable<Dictionary<string, object?>> resources)
    {
        foreach (var c in Workloads.Containers(resources))
        {
            foreach (var side in new[] { "requests", "limits" })
            {
                foreach (var resource in new[] { "cpu", "memory" })
                {
                    if (Yaml.Str(c.Container, $"resources.{side}.{resource}") is null) yield return $"{c.Where}: no resources.{side}.{resource}";
                }
            }
        }
    }

    /// <summary>Non-root, no privilege escalation, all capabilities dropped, RuntimeDefault seccomp (pod or container level).</summary>
    public static IEnumerable<string> Hardened(IEnumerable<Dictionary<string, object?>> resources)
    {
        foreach (var c in Workloads.Containers(resources))
        {
            string? Either(string field) => Yaml.Str(c.Container, "securityContext." + field) ?? Yaml.Str(c.PodSpec, "securityContext." + field);
            if (Either("runAsNonRoot") != "true") yield return $"{c.Where}: runAsNonRoot is not true";
            if (Either("runAsUser") is { } uid && uid == "0") yield return $"{c.Where}: runAsUser 0";
            if (Yaml.Str(c.Container, "securityContext.allowPrivilegeEscalation") != "false") yield return $"{c.Where}: allowPrivilegeEscalation is not false";
            if (!Yaml.List(c.Container, "securityContext.capabilities.drop").Contains("ALL")) yield return $"{c.Where}: capabilities.drop lacks ALL";
            if (Yaml.List(c.Container, "securityContext.capabilities.add").Count > 0) yield return $"{c.Where}: adds capabilities";
            if (Either("seccompProfile.type") != "RuntimeDefault") yield return $"{c.Where}: seccompProfile is not RuntimeDefault";
            if (Yaml.Str(c.Container, "securityContext.privileged") == "true") yield return $"{c.Where}: privileged";
        }
    }

    /// <summary>
    /// No pod gets a Kubernetes API token automatically: every ServiceAccount and pod spec says so (the silo projects
    /// its own; <see cref="KubernetesApiAccess"/>).
    /// </summary>
    public static IEnumerable<string> NoApiTokens(IEnumerable<Dictionary<string, object?>> resources)
    {
        var list = resources.ToList();
        foreach (var sa in list.Where(r => Yaml.Str(r, "kind") == "ServiceAccount"))
        {
            if (Yaml.Str(sa, "automountServiceAccountToken") != "false") yield return $"{Yaml.Name(sa)}: automountServiceAccountToken is not false";
        }
        foreach (var r in list)
        {
            if (Workloads.PodSpec(r) is { } pod && Yaml.Str(pod, "automountServiceAccountToken") != "false")
                yield return $"{Yaml.Name(r)}: pod automountServiceAccountToken is not false";
        }
    }

    /// <summary>Secrets are only generated or referenced, never written with values.</summary>
    public static IEnumerable<string> NoInlineSecrets(IEnumerable<Dictionary<string, object?>> resources) =>
        resources.Where(r => Yaml.Str(r, "kind") == "Secret" && (Yaml.At(r, "data") is not null || Yaml.At(r, "stringData") is not null))
            .Select(r => $"{Yaml.Name(r)}: Secret with inline data");

    /// <summary>A NetworkPolicy that selects every pod and denies both directions, plus at least one that allows.</summary>
    public static IEnumerable<string> DefaultDenyNetworkPolicy(IEnumerable<Dictionary<string, object?>> resources)
    {
        var policies = resources.Where(r => Yaml.Str(r, "kind") == "NetworkPolicy").ToList();
        var denyAll = policies.Any(p => Yaml.Map(p, "spec.podSelector") is { Count: 0 }
            && Yaml.List(p, "spec.policyTypes").Contains("Ingress") && Yaml.List(p, "spec.policyTypes").Contains("Egress")
            && Yaml.At(p, "spec.ingress") is null && Yaml.At(p, "spec.egress") is null);
        if (!denyAll) yield return "no default-deny NetworkPolicy (podSelector {}, Ingress and Egress, no rules)";
        if (policies.Count < 2) yield return "no NetworkPolicy allows any flow";
    }

    /// <summary>The silo's drain (--grace-period) ends before the kubelet's SIGKILL (terminationGracePeriodSeconds).</summary>
    public static IEnumerable<string> GraceOutlastsDrain(IEnumerable<Dictionary<string, object?>> resources)
    {
        foreach (var c in Silos(resources))
        {
            var drain = c.Arg("--grace-period");
            var kill = Yaml.Str(c.PodSpec, "terminationGracePeriodSeconds") ?? "30";
            if (drain is null) yield return $"{c.Where}: no --grace-period";
            else if (!double.TryParse(drain, CultureInfo.InvariantCulture, out var d) || double.Parse(kill, CultureInfo.InvariantCulture) <= d)
                yield return $"{c.Where}: terminationGracePeriodSeconds {kill} is not above --grace-period {drain}";
        }
    }

    /// <summary>
    /// Silos on GPUs: each requests nvidia.com/gpu (request = limit) and its <c>--slots</c> (after <c>$(VAR)</c>
    /// expansion) is that count, on <c>--device cuda</c>. With <paramref name="gpu"/> false: no GPU is requested
    /// and the device is cpu.
    /// </summary>
    public static IEnumerable<string> SiloSlots(IEnumerable<Dictionary<string, object?>> resources, bool gpu)
    {
        var silos = Silos(resources).ToList();
        if (silos.Count == 0) yield return "no silo container";
        foreach (var c in silos)
        {
            var limit = Yaml.Keys(c.Container, "resources", "limits", Gpu);
            var request = Yaml.Keys(c.Container, "resources", "requests", Gpu);
            var slots = c.Arg("--slots");
            var device = c.Arg("--device");
            if (gpu)
            {
                if (limit is null || !int.TryParse(limit, out var n) || n < 1) { yield return $"{c.Where}: no nvidia.com/gpu limit"; continue; }
                if (request is not null && request != limit) yield return $"{c.Where}: nvidia.com/gpu request {request} differs from limit {limit}";
                if (slots != limit) yield return $"{c.Where}: --slots {slots ?? "(none)"} differs from nvidia.com/gpu {limit}";
                if (device is null || !device.StartsWith("cuda", StringComparison.Ordinal)) yield return $"{c.Where}: --device {device} on a GPU silo";
            }
            else
            {
                if (limit is not null || request is not null) yield return $"{c.Where}: a CPU silo requests nvidia.com/gpu";
                if (device != "cpu") yield return $"{c.Where}: --device {device} on a CPU silo";
                if (slots is null || !int.TryParse(slots, out var s) || s < 1) yield return $"{c.Where}: --slots {slots} is not a positive count";
            }
        }
    }

    /// <summary>Containers whose first argument is the <c>silo</c> verb.</summary>
    public static IEnumerable<ContainerInfo> Silos(IEnumerable<Dictionary<string, object?>> resources) =>
        Workloads.Containers(resources).Where(c => !c.IsInit && c.ExpandedArgs() is [ "silo", .. ]);

    /// <summary>Every check of rendered manifests at once (rendered Secrets come from generators, so
    /// <see cref="NoInlineSecrets"/> is checked on the committed files instead).</summary>
    public static IEnumerable<string> All(IReadOnlyList<Dictionary<string, object?>> resources, bool gpu) =>
        ImagesPinned(resources).Concat(ProbesOnLongRunning(resources)).Concat(ResourcesSet(resources)).Concat(Hardened(resources))
            .Concat(NoApiTokens(resources)).Concat(DefaultDenyNetworkPolicy(resources))
            .Concat(GraceOutlastsDrain(resources)).Concat(SiloSlots(resources, gpu))
            .Concat(SiloPorts(resources)).Concat(OrleansFlows(resources)).Concat(DownwardApi(resources)).Concat(KubernetesApiAccess(resources));

    [GeneratedRegex("^sha256:[0-9a-f]{64}$")]
    private static partial Regex DigestPattern();
}
