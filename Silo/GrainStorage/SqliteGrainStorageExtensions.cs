using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using Orleans.Runtime.Hosting;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace OrleansSweeps.Silo.GrainStorage;

public static class SqliteGrainStorageExtensions
{
    /// <summary>
    /// Adds a <see cref="SqliteGrainStorage"/> named <paramref name="name"/> over the file at
    /// <paramref name="databasePath"/> (created if missing; its directory must exist). The name
    /// <c>"Default"</c> also makes it the silo's default grain storage (Orleans' rule). The file is opened
    /// when the silo starts, so a path that cannot be used fails the start with one line naming it.
    /// </summary>
    public static ISiloBuilder AddSqliteGrainStorage(this ISiloBuilder builder, string name, string databasePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(databasePath);
        builder.Services.AddGrainStorage(name, (services, key) => new SqliteGrainStorage(
            key, databasePath, services.GetRequiredService<IGrainStorageSerializer>(), services.GetRequiredService<IActivatorProvider>()));
        return builder;
    }
}
