using System.Text.RegularExpressions;
using Npgsql;

namespace OrleansSweeps.Silo.Ledger.Postgres;

/// <summary>
/// The two ways to name a PostgreSQL ledger: an Npgsql connection string
/// (<c>Host=db;Port=5432;Database=sweeps;Username=sweeps;Password=…</c>) or a URI
/// (<c>postgresql://user:password@host:5432/database?sslmode=require</c>, also <c>postgres://</c>; user,
/// password and database percent-encoded). Whatever goes into an error message passes through
/// <see cref="Redact"/> or <see cref="Describe"/>, so a password is never shown.
/// </summary>
public static partial class PostgresConnectionString
{
    /// <summary>URI query parameters (libpq names) and the Npgsql keywords they stand for; others pass as they are.</summary>
    private static readonly Dictionary<string, string> UriParameters = new(StringComparer.OrdinalIgnoreCase)
    {
        ["sslmode"] = "SSL Mode",
        ["application_name"] = "Application Name",
        ["connect_timeout"] = "Timeout",
        ["options"] = "Options",
        ["target_session_attrs"] = "Target Session Attributes",
    };

    /// <summary>Whether <paramref name="text"/> names a PostgreSQL ledger (a URI, or a string with Host=) rather than a path.</summary>
    public static bool IsPostgres(string text) =>
        IsUri(text) || text.Contains("Host=", StringComparison.OrdinalIgnoreCase) || text.Contains("Server=", StringComparison.OrdinalIgnoreCase);

    /// <summary>Parses either form; an invalid one throws <see cref="ArgumentException"/> with the password redacted.</summary>
    public static NpgsqlConnectionStringBuilder Parse(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        try
        {
            return IsUri(text) ? FromUri(text) : new NpgsqlConnectionStringBuilder(text);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or UriFormatException)
        {
            throw new ArgumentException($"ledger connection string '{Redact(text)}' is not valid: {e.Message}", nameof(text), e);
        }
    }

    /// <summary>The server, port, user and database as a URI without the password: what error messages name.</summary>
    public static string Describe(NpgsqlConnectionStringBuilder settings)
    {
        var user = settings.Username is { Length: > 0 } name ? Uri.EscapeDataString(name) + "@" : "";
        return $"postgresql://{user}{settings.Host}:{settings.Port}/{settings.Database ?? settings.Username}";
    }

    /// <summary><paramref name="text"/> with any password replaced by <c>***</c>, valid or not.</summary>
    public static string Redact(string text) =>
        KeywordPassword().Replace(IsUri(text) ? UriPassword().Replace(text, "$1***@") : text, "$1=***");

    private static bool IsUri(string text) =>
        text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase);

    private static NpgsqlConnectionStringBuilder FromUri(string text)
    {
        var uri = new Uri(text, UriKind.Absolute);
        var settings = new NpgsqlConnectionStringBuilder { Host = uri.IdnHost };
        if (uri.Port > 0) settings.Port = uri.Port;
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':');
            settings.Username = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            if (colon >= 0) settings.Password = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
        }
        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length > 0) settings.Database = database;
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=');
            if (equals <= 0) throw new ArgumentException($"query parameter '{pair}' has no value");
            var key = Uri.UnescapeDataString(pair[..equals]);
            settings[UriParameters.GetValueOrDefault(key, key)] = Uri.UnescapeDataString(pair[(equals + 1)..]);
        }
        return settings;
    }

    [GeneratedRegex(@"^([a-z]+://[^:/@]*:)[^@]*@", RegexOptions.IgnoreCase)]
    private static partial Regex UriPassword();

    [GeneratedRegex(@"\b(password|pwd)\s*=\s*(""[^""]*""|'[^']*'|[^;]*)", RegexOptions.IgnoreCase)]
    private static partial Regex KeywordPassword();
}
