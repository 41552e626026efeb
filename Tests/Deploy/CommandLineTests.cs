using OrleansSweeps.Client;

namespace OrleansSweeps.Tests.Deploy;

/// <summary>
/// The commands the manifests give the containers are ones the console accepts: every rendered container that
/// runs the <c>sweeps</c> image has its arguments (with <c>$(VAR)</c> expanded) parsed by the real command tree.
/// </summary>
public sealed class CommandLineTests
{
    [Theory]
    [InlineData("base")]
    [InlineData("overlays/dev")]
    [InlineData("overlays/gpu")]
    public void Every_sweeps_container_command_parses(string dir)
    {
        var sweeps = Workloads.Containers(Kustomize.Render(dir))
            .Where(c => (Yaml.Str(c.Container, "image") ?? "").Contains("orleanssweeps/sweeps-", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(sweeps);
        foreach (var container in sweeps)
        {
            var args = container.ExpandedArgs();
            Assert.NotEmpty(args);
            var parse = Program.Build().Parse(args.ToArray());
            Assert.True(parse.Errors.Count == 0, $"{dir}: {container.Where}: `sweeps {string.Join(' ', args)}`: {string.Join("; ", parse.Errors.Select(e => e.Message))}");
        }
    }

    [Fact]
    public void The_check_catches_an_unknown_option()
    {
        var parse = Program.Build().Parse(["silo", "--no-such-option", "1"]);
        Assert.NotEmpty(parse.Errors);
    }
}
