using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Runtime.MembershipService.SiloMetadata;
using OrleansSweeps.Grains.Placement;
using OrleansSweeps.Silo.Placement;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Grains;

/// <summary>
/// Slot placement on two real silos whose metadata differ (one serves cpu, one cuda): a grain lands only on a silo
/// of the device its caller names, a device no silo serves fails with that device named, and a reservation hint is
/// followed when that silo serves the device.
/// </summary>
public sealed class SlotPlacementTests
{
    [Fact]
    public async Task Grains_land_only_on_silos_of_their_device()
    {
        var primary = LocalSilo.FreePort();
        await using var cpu = await StartSilo("cpu-silo", "cpu", primary, primary);
        await using var cuda = await StartSilo("cuda-silo", "cuda", LocalSilo.FreePort(), primary);
        await WaitForMetadata(cpu);

        // From either silo's side, each device's grains land on its silo only.
        foreach (var caller in new[] { cpu, cuda })
        {
            for (var i = 0; i < 12; i++)
            {
                Assert.Equal("cpu-silo", await Probe(caller, $"cpu-{caller.GetHashCode()}-{i}", "cpu"));
                Assert.Equal("cuda-silo", await Probe(caller, $"cuda-{caller.GetHashCode()}-{i}", "cuda"));
            }
        }
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => Probe(cpu, "tpu-0", "tpu"));
        Assert.Contains("no active silo serves device 'tpu'", refused.Message);
    }

    [Fact]
    public async Task A_hint_names_the_silo_among_those_of_the_device()
    {
        var primary = LocalSilo.FreePort();
        await using var a = await StartSilo("a", "cpu", primary, primary);
        await using var b = await StartSilo("b", "cpu", LocalSilo.FreePort(), primary);
        await WaitForMetadata(a);
        var bAddress = b.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToParsableString();
        for (var i = 0; i < 8; i++) Assert.Equal("b", await Probe(a, $"hinted-{i}", "cpu", bAddress));
        // Without a hint, a caller on a serving silo keeps the grain local.
        for (var i = 0; i < 8; i++) Assert.Equal("a", await Probe(a, $"local-{i}", "cpu"));
    }

    private static async Task<string> Probe(LocalSilo caller, string key, string device, string? hint = null)
    {
        // Request context flows from the calling task; a fresh task keeps each call's keys apart.
        return await Task.Run(async () =>
        {
            RequestContext.Set(SlotMetadata.RunDevice, device);
            if (hint is not null) RequestContext.Set(SlotMetadata.SiloHint, hint);
            return await caller.Grains.GetGrain<IPlacementProbe>(key).Silo();
        });
    }

    /// <summary>
    /// The silo knows both silos' metadata and grain types (placement only considers silos whose manifest, gossiped after
    /// they join, says they host the grain).
    /// </summary>
    private static async Task WaitForMetadata(LocalSilo silo)
    {
        var membership = silo.Services.GetRequiredService<IClusterMembershipService>();
        var metadata = silo.Services.GetRequiredService<ISiloMetadataCache>();
        var manifest = silo.Services.GetRequiredService<IClusterManifestProvider>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (membership.CurrentSnapshot.Members.Values.Count(m => m.Status == SiloStatus.Active
                   && metadata.GetSiloMetadata(m.SiloAddress).Metadata.ContainsKey(SlotMetadata.Device)
                   && manifest.Current.Silos.ContainsKey(m.SiloAddress)) < 2)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "the two silos did not see each other's metadata in 60 s");
            await Task.Delay(50);
        }
    }

    private static Task<LocalSilo> StartSilo(string name, string device, int siloPort, int primaryPort) => LocalSilo.StartAsync(silo =>
    {
        silo.UseLocalhostClustering(siloPort, LocalSilo.FreePort(), new IPEndPoint(IPAddress.Loopback, primaryPort));
        silo.Configure<SiloOptions>(o => o.SiloName = name);
        silo.UseSiloMetadata(new Dictionary<string, string> { [SlotMetadata.Device] = device, [SlotMetadata.Slots] = "1" });
        silo.Services.AddPlacementDirector<SlotPlacementStrategy, SlotPlacementDirector>();
    });
}
