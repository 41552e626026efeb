using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Client;

/// <summary>
/// <c>--home</c> against the shared stores: the error names what conflicts, the option typed or the environment variable
/// a script exported (<c>eval "$(scripts/local-cluster.sh env …)"</c> sets both), so a user who typed neither is not left guessing.
/// </summary>
public sealed class StoreOptionTests
{
    [Fact]
    public void Home_against_a_ledger_from_the_environment_names_the_variable()
    {
        using var dir = new TempDirectory();
        var environment = new Dictionary<string, string> { ["SWEEPS_LEDGER"] = "postgresql://sweeps@127.0.0.1:1/sweeps", ["SWEEPS_BLOBS"] = "azure:sweeps" };

        var result = Cli.Run(dir.Path, environment, "status", "--home", dir.Combine("h"));

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(
            "error: --home names the embedded store; it cannot be combined with $SWEEPS_LEDGER and $SWEEPS_BLOBS set in the environment (unset it, or drop --home)",
            result.Stderr.Trim());
    }

    [Fact]
    public void Home_against_a_typed_ledger_names_the_option()
    {
        using var dir = new TempDirectory();

        var result = Cli.Run(dir.Path, "status", "--home", dir.Combine("h"), "--ledger", dir.Combine("l.db"));

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("error: --home names the embedded store; it cannot be combined with --ledger", result.Stderr.Trim());
    }
}
