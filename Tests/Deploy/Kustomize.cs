using System.Diagnostics;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Deploy;

/// <summary>
/// The k8s/ tree: its files, its kustomizations, and what `kubectl kustomize` renders from them. Rendering works
/// on a copy where each overlay's git-ignored secrets.env is made from its committed secrets.env.example, as the
/// README tells a user to do.
/// </summary>
public static class Kustomize
{
    public static string Root => Path.Combine(RepoPaths.Root, "k8s");

    private static readonly Lazy<TempDirectory> Copy = new(MakeCopy);

    private static readonly Dictionary<string, IReadOnlyList<Dictionary<string, object?>>> Rendered = [];

    public static IEnumerable<string> YamlFiles() =>
        Directory.EnumerateFiles(Root, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);

    public static IEnumerable<string> Kustomizations() => YamlFiles().Where(f => Path.GetFileName(f) == "kustomization.yaml");

    /// <summary>Every Kubernetes object written in the committed files (documents with apiVersion and kind).</summary>
    public static IReadOnlyList<Dictionary<string, object?>> CommittedResources() =>
        YamlFiles().Where(f => Path.GetFileName(f) != "kustomization.yaml").SelectMany(Yaml.File)
            .Where(d => d.ContainsKey("apiVersion") && d.ContainsKey("kind") && Yaml.Str(d, "kind") != "Kustomization").ToList();

    /// <summary>`kubectl kustomize k8s/{dir}`, parsed (cached per dir).</summary>
    public static IReadOnlyList<Dictionary<string, object?>> Render(string dir)
    {
        lock (Rendered)
        {
            if (Rendered.TryGetValue(dir, out var cached)) return cached;
            var kubectl = FindOnPath("kubectl")
                ?? throw new InvalidOperationException("kubectl (with its built-in kustomize) is not on PATH: the rendered-manifest checks need it");
            var start = new ProcessStartInfo(kubectl) { RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add("kustomize");
            start.ArgumentList.Add(Path.Combine(Copy.Value.Path, dir));
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(2))) { process.Kill(true); throw new TimeoutException("kubectl kustomize " + dir); }
            if (process.ExitCode != 0) throw new InvalidOperationException($"kubectl kustomize {dir} failed: {stderr.Result}");
            return Rendered[dir] = Yaml.Documents(stdout.Result, "kustomize " + dir);
        }
    }

    /// <summary>Whether git ignores a path of the repository (so it can never be committed by accident).</summary>
    public static bool GitIgnores(string path)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = RepoPaths.Root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "check-ignore", "-q", "--no-index", Path.GetRelativePath(RepoPaths.Root, path) }) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        process.WaitForExit();
        return process.ExitCode == 0;
    }

    private static TempDirectory MakeCopy()
    {
        var temp = new TempDirectory();
        // Renders never read a developer's real secrets.env: the copy leaves every .env out and installs each committed .env.example as its .env.
        foreach (var file in Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".env", StringComparison.Ordinal)))
        {
            var target = Path.Combine(temp.Path, Path.GetRelativePath(Root, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
        foreach (var example in Directory.EnumerateFiles(temp.Path, "*.env.example", SearchOption.AllDirectories))
        {
            var env = example[..^".example".Length];
            File.Copy(example, env);
        }
        return temp;
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);
}
