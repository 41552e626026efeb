using System.Text.Json;
using System.Text.RegularExpressions;

namespace OrleansSweeps.Tests.Deploy;

/// <summary>A Dockerfile read into instructions (continuation lines joined, comments dropped) and checked.</summary>
public static partial class DockerfileChecks
{
    public sealed record Instruction(string Keyword, string Arguments);

    public static IReadOnlyList<Instruction> Parse(string text)
    {
        var instructions = new List<Instruction>();
        var current = "";
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.TrimStart().StartsWith('#')) continue;
            if (line.EndsWith('\\')) { current += line[..^1] + " "; continue; }
            current += line;
            if (current.Trim().Length > 0)
            {
                var trimmed = current.Trim();
                var space = trimmed.IndexOfAny([' ', '\t']);
                instructions.Add(space < 0 ? new(trimmed.ToUpperInvariant(), "") : new(trimmed[..space].ToUpperInvariant(), trimmed[(space + 1)..].Trim()));
            }
            current = "";
        }
        return instructions;
    }

    /// <summary>Problems: base images unpinned (no tag, latest, or no digest), a final stage running as root, no sweeps entrypoint.</summary>
    public static IEnumerable<string> Problems(string text)
    {
        var instructions = Parse(text);
        var args = new Dictionary<string, string>(StringComparer.Ordinal);
        var stages = new HashSet<string>(StringComparer.Ordinal);
        var finalStage = new List<Instruction>();
        foreach (var i in instructions)
        {
            if (i.Keyword == "ARG" && i.Arguments.Split('=', 2) is [var name, var value]) args[name.Trim()] = value.Trim().Trim('"');
            if (i.Keyword != "FROM") { finalStage.Add(i); continue; }
            finalStage.Clear();
            var words = i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => !w.StartsWith("--", StringComparison.Ordinal)).ToArray();
            var image = ArgPattern().Replace(words[0], m => args.TryGetValue(m.Groups[1].Value, out var v) ? v : m.Value);
            if (!stages.Contains(image))
            {
                if (ManifestChecks.ImageProblem(image) is { } problem) yield return problem;
                else if (!image.Contains("@sha256:", StringComparison.Ordinal)) yield return $"image {image}: no digest";
            }
            if (words.Length >= 3 && words[1].Equals("AS", StringComparison.OrdinalIgnoreCase)) stages.Add(words[2]);
        }
        var user = finalStage.LastOrDefault(i => i.Keyword == "USER")?.Arguments;
        if (user is null) yield return "the final stage sets no USER (it would run as root)";
        else if (user.Split(':')[0] is "root" or "0") yield return $"the final stage runs as {user}";
        var entrypoint = finalStage.LastOrDefault(i => i.Keyword == "ENTRYPOINT")?.Arguments;
        if (entrypoint is null || !entrypoint.StartsWith('[')) yield return "the final stage has no exec-form ENTRYPOINT";
        else if (JsonSerializer.Deserialize<string[]>(entrypoint) is not ["dotnet", var dll] || !dll.EndsWith("/sweeps.dll", StringComparison.Ordinal))
            yield return $"ENTRYPOINT {entrypoint} does not run the sweeps console";
    }

    public static string FinalUser(string dockerfile) =>
        Parse(File.ReadAllText(dockerfile)).Last(i => i.Keyword == "USER").Arguments;

    public static string[] FinalCmd(string dockerfile) =>
        JsonSerializer.Deserialize<string[]>(Parse(File.ReadAllText(dockerfile)).Last(i => i.Keyword == "CMD").Arguments)!;

    [GeneratedRegex(@"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?")]
    private static partial Regex ArgPattern();
}
