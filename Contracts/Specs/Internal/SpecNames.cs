using System.Text.RegularExpressions;

namespace OrleansSweeps.Contracts.Specs.Internal;

/// <summary>How enum values are spelled in YAML: kebab-case (<c>ToyProduct</c> ↔ <c>toy-product</c>).</summary>
internal static partial class SpecNames
{
    public static string Of<T>(T value) where T : struct, Enum => Kebab(value.ToString());

    public static string Kebab(string pascal) => WordBoundary().Replace(pascal, "-$1").ToLowerInvariant();

    public static bool TryParse<T>(string text, out T value) where T : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<T>())
        {
            if (Of(candidate) == text)
            {
                value = candidate;
                return true;
            }
        }
        value = default;
        return false;
    }

    public static string Choices<T>() where T : struct, Enum => string.Join(", ", Enum.GetValues<T>().Select(Of));

    [GeneratedRegex("(?<=[a-z0-9])([A-Z])")]
    private static partial Regex WordBoundary();
}
