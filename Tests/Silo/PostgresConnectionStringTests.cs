using Npgsql;
using OrleansSweeps.Silo.Ledger.Postgres;

namespace OrleansSweeps.Tests.Silo;

/// <summary>The two forms of a PostgreSQL ledger's name, and that a password never shows.</summary>
public sealed class PostgresConnectionStringTests
{
    [Fact]
    public void A_URI_gives_host_port_user_password_database_and_parameters()
    {
        var settings = PostgresConnectionString.Parse("postgresql://sweep%40lab:p%3Ass%2Fw@db.example:6543/ledger%201?sslmode=require&application_name=silo-3");

        Assert.Equal(("db.example", 6543, "sweep@lab", "p:ss/w", "ledger 1"), (settings.Host, settings.Port, settings.Username, settings.Password, settings.Database));
        Assert.Equal(SslMode.Require, settings.SslMode);
        Assert.Equal("silo-3", settings.ApplicationName);
        Assert.Equal("postgresql://sweep%40lab@db.example:6543/ledger 1", PostgresConnectionString.Describe(settings));
    }

    [Fact]
    public void A_URI_without_port_or_password_keeps_the_defaults()
    {
        var settings = PostgresConnectionString.Parse("postgres://sweeps@db/ledger");

        Assert.Equal(("db", 5432, "sweeps", null, "ledger"), (settings.Host, settings.Port, settings.Username, settings.Password, settings.Database));
    }

    [Fact]
    public void A_keyword_connection_string_is_taken_as_Npgsql_reads_it()
    {
        var settings = PostgresConnectionString.Parse("Host=db;Port=5433;Database=ledger;Username=sweeps;Password=secret");

        Assert.Equal(("db", 5433, "ledger", "secret"), (settings.Host, settings.Port, settings.Database, settings.Password));
    }

    [Theory]
    [InlineData("postgresql://sweeps:secret@db:5432/ledger", "postgresql://sweeps:***@db:5432/ledger")]
    [InlineData("Host=db;Password=secret;Database=ledger", "Host=db;Password=***;Database=ledger")]
    [InlineData("Host=db;pwd = 'sec;ret';Database=ledger", "Host=db;pwd=***;Database=ledger")]
    [InlineData("postgresql://db/ledger?password=secret", "postgresql://db/ledger?password=***")]
    public void Redaction_hides_the_password_in_either_form(string text, string redacted) =>
        Assert.Equal(redacted, PostgresConnectionString.Redact(text));

    [Theory]
    [InlineData("Host=db;Password=secret;Bogus=1")]
    [InlineData("postgresql://sweeps:secret@db/ledger?bogus=1")]
    [InlineData("postgresql://sweeps:secret@db:notaport/ledger")]
    public void An_invalid_string_is_refused_without_showing_the_password(string text)
    {
        var error = Assert.Throws<ArgumentException>(() => PostgresConnectionString.Parse(text));

        Assert.Contains("ledger connection string", error.Message);
        Assert.DoesNotContain("secret", error.Message);
    }

    [Theory]
    [InlineData("postgresql://db/ledger", true)]
    [InlineData("Host=db;Database=ledger", true)]
    [InlineData(".sweeps", false)]
    [InlineData("/data/ledger.db", false)]
    public void Tells_a_PostgreSQL_ledger_from_a_path(string text, bool postgres) =>
        Assert.Equal(postgres, PostgresConnectionString.IsPostgres(text));
}
