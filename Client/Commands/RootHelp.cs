using System.CommandLine;
using System.Text.RegularExpressions;

namespace OrleansSweeps.Client.Commands;

/// <summary>
/// The root help (<c>sweeps --help</c>), with each verb's optional argument shown as optional: System.CommandLine 2.0.0
/// lists <c>status &lt;sweep&gt;</c> among the verbs though <c>status --help</c> has it right (<c>[&lt;sweep&gt;]</c>),
/// and its help builder cannot be customised from outside. The row keeps its column: the brackets take two of the spaces
/// that pad the verb's name.
/// </summary>
internal static partial class RootHelp
{
    public static int Write(ParseResult parse)
    {
        using var text = new StringWriter();
        var code = parse.Invoke(new InvocationConfiguration { Output = text });
        Console.Out.Write(MarkOptional(text.ToString(), parse.RootCommandResult.Command));
        return code;
    }

    internal static string MarkOptional(string help, Command root)
    {
        foreach (var verb in root.Subcommands)
        {
            foreach (var argument in verb.Arguments.Where(a => a.Arity.MinimumNumberOfValues == 0))
            {
                var shown = $"{verb.Name} <{argument.Name}>";
                help = Regex.Replace(help, $@"(?m)^(\s+){Regex.Escape(shown)}  ", m => $"{m.Groups[1].Value}{verb.Name} [<{argument.Name}>]");
            }
        }
        return help;
    }
}
