using System.CommandLine;
using OrleansSweeps.Silo.Storage;

namespace OrleansSweeps.Client.Commands;

/// <summary>
/// <c>--home DIR</c> (the embedded store, default <c>.sweeps/</c>) or <c>--ledger L --blobs B</c> (a cluster's
/// shared stores; see <see cref="StoreSettings"/>): every verb that reads or writes sweeps takes them.
/// </summary>
internal sealed class StoreOptions
{
    public Option<string> Home { get; } = CommonOptions.Home();

    public Option<string?> Ledger { get; } = new("--ledger")
    {
        Description = $"Shared ledger: postgresql://user@host:port/db (or an Npgsql connection string, or a SQLite file); default ${StoreSettings.LedgerVariable}",
    };

    public Option<string?> Blobs { get; } = new("--blobs")
    {
        Description = "Shared blob store: azure:CONTAINER (connection string in $SWEEPS_BLOB_CONNECTION), https://ACCOUNT.blob.core.windows.net/CONTAINER "
            + $"(DefaultAzureCredential, or a SAS query: best in ${StoreSettings.BlobsVariable}) or a directory; default ${StoreSettings.BlobsVariable}",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Home);
        command.Options.Add(Ledger);
        command.Options.Add(Blobs);
    }

    public StoreSettings Read(ParseResult parse)
    {
        var settings = StoreSettings.FromOptions(parse.GetValue(Home)!, parse.GetValue(Ledger), parse.GetValue(Blobs));
        if (settings.Shared && parse.GetResult(Home) is { Implicit: false })
            throw new UsageException($"--home names the embedded store; it cannot be combined with {SharedSource(parse)}");
        return settings;
    }

    /// <summary>What named the shared stores: the options typed, or the environment (e.g. after <c>scripts/local-cluster.sh env</c>).</summary>
    private string SharedSource(ParseResult parse)
    {
        var named = new List<string>();
        if (parse.GetResult(Ledger) is not null) named.Add("--ledger");
        if (parse.GetResult(Blobs) is not null) named.Add("--blobs");
        if (named.Count > 0) return string.Join(" / ", named);
        var set = new[] { StoreSettings.LedgerVariable, StoreSettings.BlobsVariable }
            .Where(v => !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(v))).Select(v => "$" + v);
        return $"{string.Join(" and ", set)} set in the environment (unset it, or drop --home)";
    }
}
