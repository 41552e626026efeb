using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Deploy;

/// <summary>
/// The Kubernetes deployment under k8s/: every file parses, every kustomization names files that exist, nothing
/// secret is committed, and the manifests that `kubectl kustomize` renders for the base and both overlays keep
/// the invariants of <see cref="ManifestChecks"/>.
/// </summary>
public sealed class ManifestTests
{
    public static TheoryData<string> Overlays => new() { "base", "overlays/dev", "overlays/gpu" };

    [Fact]
    public void Every_yaml_file_under_k8s_parses()
    {
        var files = Kustomize.YamlFiles().ToList();
        Assert.True(files.Count >= 15, $"only {files.Count} YAML files under k8s/");
        foreach (var file in files) Assert.NotNull(Yaml.File(file));
    }

    [Fact]
    public void Every_file_a_kustomization_names_exists()
    {
        var kustomizations = Kustomize.Kustomizations().ToList();
        Assert.Contains(kustomizations, k => k.EndsWith("base/kustomization.yaml", StringComparison.Ordinal));
        Assert.Contains(kustomizations, k => k.EndsWith("overlays/dev/kustomization.yaml", StringComparison.Ordinal));
        Assert.Contains(kustomizations, k => k.EndsWith("overlays/gpu/kustomization.yaml", StringComparison.Ordinal));
        var missing = kustomizations.SelectMany(MissingReferences).ToList();
        Assert.True(missing.Count == 0, string.Join("\n", missing));
    }

    [Fact]
    public void The_reference_check_catches_a_missing_file()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Combine("kustomization.yaml"), "resources: [here.yaml, gone.yaml, ../nowhere]\npatches: [{path: p.yaml}]\n");
        File.WriteAllText(dir.Combine("here.yaml"), "kind: ConfigMap\n");
        Assert.Equal(3, MissingReferences(dir.Combine("kustomization.yaml")).Count());
    }

    [Fact]
    public void No_secret_values_are_committed()
    {
        Assert.Empty(ManifestChecks.NoInlineSecrets(Kustomize.CommittedResources()));
        foreach (var kustomization in Kustomize.Kustomizations())
        {
            var dir = Path.GetDirectoryName(kustomization)!;
            foreach (var generator in Yaml.Maps(Yaml.File(kustomization)[0], "secretGenerator"))
            {
                Assert.Empty(Yaml.List(generator, "literals"));
                foreach (var source in Yaml.List(generator, "envs").Concat(Yaml.List(generator, "files")).Select(s => s!.ToString()!))
                {
                    var path = Path.Combine(dir, source.Contains('=', StringComparison.Ordinal) ? source[(source.IndexOf('=', StringComparison.Ordinal) + 1)..] : source);
                    Assert.True(Kustomize.GitIgnores(path), $"{kustomization}: secret source {source} is not git-ignored");
                    Assert.True(File.Exists(path + ".example"), $"{kustomization}: no committed {source}.example beside the secret source");
                }
            }
        }
    }

    [Fact]
    public void The_secret_check_catches_inline_data_and_an_unignored_source()
    {
        var bad = Yaml.Documents("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {PASSWORD: hunter2}\n", "bad");
        Assert.Single(ManifestChecks.NoInlineSecrets(bad));
        Assert.False(Kustomize.GitIgnores(Path.Combine(Kustomize.Root, "overlays", "dev", "secrets.env.example")));
        Assert.True(Kustomize.GitIgnores(Path.Combine(Kustomize.Root, "overlays", "dev", "secrets.env")));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Rendered_manifests_keep_every_invariant(string dir)
    {
        var resources = Kustomize.Render(dir);
        Assert.Contains(resources, r => Yaml.Name(r) == "StatefulSet/silo");
        Assert.Contains(resources, r => Yaml.Name(r) == "Job/submit-sweep");
        var violations = ManifestChecks.All(resources, gpu: dir != "overlays/dev").ToList();
        Assert.True(violations.Count == 0, string.Join("\n", violations));
    }

    [Fact]
    public void The_gpu_overlay_requests_two_gpus_per_silo_and_runs_two_slots_on_gpu_nodes()
    {
        var silo = ManifestChecks.Silos(Kustomize.Render("overlays/gpu")).Single();
        Assert.Equal("2", Yaml.Keys(silo.Container, "resources", "limits", ManifestChecks.Gpu));
        Assert.Equal("2", silo.Arg("--slots"));
        Assert.Equal("true", Yaml.Keys(silo.PodSpec, "nodeSelector", "nvidia.com/gpu.present"));
        Assert.Contains(Yaml.Maps(silo.PodSpec, "tolerations"), t => Yaml.Str(t, "key") == ManifestChecks.Gpu);
    }

    [Fact]
    public void The_dev_overlay_has_azurite_and_cpu_silos_and_the_gpu_overlay_has_no_azurite()
    {
        var dev = Kustomize.Render("overlays/dev");
        Assert.Contains(dev, r => Yaml.Name(r) == "Deployment/azurite");
        Assert.Equal("cpu", ManifestChecks.Silos(dev).Single().Arg("--device"));
        Assert.DoesNotContain(Kustomize.Render("overlays/gpu"), r => Yaml.Name(r) == "Deployment/azurite");
        foreach (var overlay in new[] { dev, Kustomize.Render("overlays/gpu") })
        {
            Assert.Contains(overlay, r => Yaml.Str(r, "kind") == "Secret" && Yaml.Str(r, "metadata.name")!.StartsWith("sweeps-secrets-", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Each_checker_catches_a_broken_manifest()
    {
        var good = Kustomize.Render("overlays/gpu");
        var silo = Yaml.Documents("""
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: silo}
            spec:
              template:
                spec:
                  terminationGracePeriodSeconds: 30
                  containers:
                    - name: silo
                      image: registry.example.com/sweeps-silo
                      args: [silo, --slots, $(SLOTS), --device, cuda, --grace-period, "60"]
                      env: [{name: SLOTS, value: "4"}]
                      securityContext: {capabilities: {drop: [NET_RAW]}}
                      resources:
                        limits: {nvidia.com/gpu: "2"}
            """, "bad silo");
        Assert.Single(ManifestChecks.ImagesPinned(silo));
        Assert.Single(ManifestChecks.ImagesPinned(Yaml.Documents("kind: Job\nspec: {template: {spec: {containers: [{name: c, image: 'busybox:latest'}]}}}", "latest")));
        Assert.Empty(ManifestChecks.ImagesPinned(Yaml.Documents("kind: Job\nspec: {template: {spec: {containers: [{name: c, image: 'localhost:5000/busybox:1.36'}]}}}", "port")));
        Assert.Single(ManifestChecks.ImagesPinned(Yaml.Documents("kind: Job\nspec: {template: {spec: {containers: [{name: c, image: 'localhost:5000/busybox'}]}}}", "port, no tag")));
        Assert.Equal(2, ManifestChecks.ProbesOnLongRunning(silo).Count());
        Assert.Equal(4, ManifestChecks.ResourcesSet(silo).Count());
        Assert.Equal(4, ManifestChecks.Hardened(silo).Count());
        Assert.Single(ManifestChecks.NoApiTokens(silo));
        Assert.Single(ManifestChecks.GraceOutlastsDrain(silo));
        Assert.Single(ManifestChecks.SiloSlots(silo, gpu: true));
        Assert.Equal(2, ManifestChecks.SiloSlots(silo, gpu: false).Count());
        Assert.Equal(2, ManifestChecks.DefaultDenyNetworkPolicy(silo).Count());
        Assert.Empty(ManifestChecks.DefaultDenyNetworkPolicy(good));
        Assert.Single(ManifestChecks.DefaultDenyNetworkPolicy(good.Where(r => Yaml.Str(r, "metadata.name") != "default-deny-all")));
    }

    [Fact]
    public void The_submitted_spec_is_the_example_it_copies()
    {
        var copy = File.ReadAllText(Path.Combine(Kustomize.Root, "base", "specs", "gsnr-osgr-toy.smoke.yaml"));
        Assert.Equal(File.ReadAllText(Path.Combine(RepoPaths.Examples, "gsnr-osgr-toy.smoke.yaml")), copy);
    }

    [Fact]
    public void Silo_and_client_pods_run_as_the_user_their_images_create()
    {
        var resources = Kustomize.Render("overlays/gpu");
        foreach (var name in new[] { "StatefulSet/silo", "Job/submit-sweep" })
        {
            var pod = Workloads.PodSpec(resources.Single(r => Yaml.Name(r) == name))!;
            Assert.Equal(DockerfileChecks.FinalUser(Path.Combine(RepoPaths.Root, "docker", name.StartsWith("Job", StringComparison.Ordinal) ? "client.Dockerfile" : "silo.Dockerfile")).Split(':')[0],
                Yaml.Str(pod, "securityContext.runAsUser"));
        }
    }

    [Fact]
    public void Services_send_traffic_to_ports_their_pods_declare()
    {
        var resources = Kustomize.Render("overlays/dev");
        foreach (var service in resources.Where(r => Yaml.Str(r, "kind") == "Service"))
        {
            var selector = Yaml.Map(service, "spec.selector")!;
            var pods = resources.Where(r => Workloads.PodSpec(r) is not null && Yaml.Map(r, "spec.template.metadata.labels") is { } labels
                && selector.All(kv => labels.TryGetValue(kv.Key, out var v) && Equals(v, kv.Value))).ToList();
            Assert.True(pods.Count > 0, $"{Yaml.Name(service)} selects no workload");
            var ports = pods.SelectMany(p => Workloads.Containers([p])).SelectMany(c => Yaml.Maps(c.Container, "ports")).Select(p => Yaml.Str(p, "name")).ToHashSet();
            foreach (var port in Yaml.Maps(service, "spec.ports"))
                Assert.True(ports.Contains(Yaml.Str(port, "targetPort")), $"{Yaml.Name(service)}: targetPort {Yaml.Str(port, "targetPort")} is no named container port");
        }
    }

    internal static IEnumerable<string> MissingReferences(string kustomization)
    {
        var dir = Path.GetDirectoryName(kustomization)!;
        var k = Yaml.File(kustomization)[0];
        foreach (var resource in Yaml.List(k, "resources").Select(r => r!.ToString()!))
        {
            var path = Path.Combine(dir, resource);
            if (!File.Exists(path) && !File.Exists(Path.Combine(path, "kustomization.yaml"))) yield return $"{kustomization}: resource {resource} does not exist";
        }
        foreach (var patch in Yaml.Maps(k, "patches").Select(p => Yaml.Str(p, "path")).OfType<string>())
        {
            if (!File.Exists(Path.Combine(dir, patch))) yield return $"{kustomization}: patch {patch} does not exist";
        }
        foreach (var generator in Yaml.Maps(k, "configMapGenerator"))
        {
            foreach (var file in Yaml.List(generator, "files").Concat(Yaml.List(generator, "envs")).Select(f => f!.ToString()!))
            {
                var path = file.Contains('=', StringComparison.Ordinal) ? file[(file.IndexOf('=', StringComparison.Ordinal) + 1)..] : file;
                if (!File.Exists(Path.Combine(dir, path))) yield return $"{kustomization}: configMapGenerator file {path} does not exist";
            }
        }
        foreach (var generator in Yaml.Maps(k, "secretGenerator"))
        {
            // Secret sources are git-ignored and made by the user: what must exist is the committed example.
            foreach (var file in Yaml.List(generator, "envs").Concat(Yaml.List(generator, "files")).Select(f => f!.ToString()!))
            {
                if (!File.Exists(Path.Combine(dir, file) + ".example")) yield return $"{kustomization}: secretGenerator source {file} has no {file}.example";
            }
        }
    }
}
