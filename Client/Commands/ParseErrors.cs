using System.CommandLine;
using System.CommandLine.Parsing;

namespace OrleansSweeps.Client.Commands;

/// <summary>
/// What the command-line parser refused, as one line: the option or argument, the value given and what it accepts.
/// The parser's own messages name .NET types (<c>System.Nullable`1[System.Int32]</c>) and come with the whole help
/// text; a user needs neither, only the word they mistyped and where to look (<c>--help</c>).
/// </summary>
internal static class ParseErrors
{
    public static string Describe(ParseResult parse)
    {
        // An unknown word explains the rest ("frob" also leaves the verb missing): name it first.
        var error = parse.Errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal)) ?? parse.Errors[0];
        var verb = parse.CommandResult.Command is RootCommand ? "sweeps" : $"sweeps {parse.CommandResult.Command.Name}";
        var what = error.SymbolResult switch
        {
            OptionResult option => Refused(option.Option.Name, option.Tokens, option.Option.ValueType, error.Message),
            ArgumentResult { Parent: OptionResult option } => Refused(option.Option.Name, option.Tokens, option.Option.ValueType, error.Message),
            ArgumentResult argument => Refused($"<{argument.Argument.Name}>", argument.Tokens, argument.Argument.ValueType, error.Message),
            _ => error.Message,
        };
        return $"{what.TrimEnd('.')} (`{verb} --help` lists what it takes)";
    }

    /// <summary>A value that did not convert: the symbol, the value, what it accepts; other errors (a missing value, too many) keep the parser's wording.</summary>
    private static string Refused(string symbol, IReadOnlyList<Token> tokens, Type valueType, string message)
    {
        var type = Nullable.GetUnderlyingType(valueType) ?? valueType;
        if (tokens.Count == 0 || Accepts(type) is not { } accepted || !message.Contains(tokens[^1].Value, StringComparison.Ordinal))
            return message.Contains("System.", StringComparison.Ordinal) ? $"{symbol}: {message}" : message;
        return $"{symbol} '{tokens[^1].Value}': expected {accepted}";
    }

    private static string? Accepts(Type type)
    {
        if (type == typeof(int) || type == typeof(long)) return "a whole number";
        if (type == typeof(double)) return "a number";
        if (type == typeof(bool)) return "true or false";
        if (type.IsEnum) return $"one of {string.Join(", ", Enum.GetNames(type).Select(n => n.ToLowerInvariant()))}";
        return null;
    }
}
