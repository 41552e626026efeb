using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using Orleans.Runtime.MembershipService.SiloMetadata;
using OrleansSweeps.Grains.Aggregates;
using OrleansSweeps.Grains.Placement;
using OrleansSweeps.Grains.Runs;
using OrleansSweeps.Grains.Sweeps;
using OrleansSweeps.Silo.Blobs;
using OrleansSweeps.Silo.Ledger;
using OrleansSweeps.Silo.Placement;
using OrleansSweeps.Silo.Sites;
using OrleansSweeps.Silo.Telemetry;
using Orleans.Runtime;

namespace OrleansSweeps.Silo.Hosting;

/// <summary>What every silo of ours has, embedded or in a cluster: the grains' sites, slots, placement, its metadata.</summary>
public static class SweepsSiloBuilder
{
    public static ISiloBuilder AddSweeps(this ISiloBuilder silo, ILedger ledger, IBlobStore blobs, SweepsSiloOptions options)
    {
        silo.UseSiloMetadata(new Dictionary<string, string>
        {
            [SlotMetadata.Device] = options.Serves,
            [SlotMetadata.Slots] = options.Slots.ToString(CultureInfo.InvariantCulture),
        });
        if (options.Name is { } name) silo.Configure<Orleans.Configuration.SiloOptions>(o => o.SiloName = name);
        var services = silo.Services;
        services.AddSingleton(ledger);
        services.AddSingleton(blobs);
        services.AddSingleton(options);
        services.AddSingleton(sp => new SlotPool(options.Slots, options.QueueBelow, sp.GetRequiredService<SiloTelemetry>().SlotsBusyChanged));
        services.AddSingleton(_ => new PointDataCache(options.Slots));
        services.AddSingleton<SweepSpecs>();
        services.AddSingleton(sp => new SiloTelemetry(sp.GetRequiredService<ILocalSiloDetails>().Name, options.Device, blobs));
        services.AddHostedService<TelemetryBeat>();
        services.AddSingleton<SweepWatch>();
        services.AddSingleton<TrainingTimes>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, SiloSlotsRecord>();
        services.AddSingleton<SiloDrain>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<SiloDrain>());
        services.AddSingleton<IRunSite, SiloRunSite>();
        services.AddSingleton<ISweepSite, SiloSweepSite>();
        services.AddSingleton<IAggregateSite, SiloAggregateSite>();
        services.AddPlacementDirector<SlotPlacementStrategy, SlotPlacementDirector>();
        silo.AddOrleansTelemetry();
        return silo;
    }
}
