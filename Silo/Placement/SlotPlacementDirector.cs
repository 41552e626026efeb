using Orleans.Runtime;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Runtime.Placement;
using OrleansSweeps.Grains.Placement;

namespace OrleansSweeps.Silo.Placement;

/// <summary>
/// Places a run's grain (<see cref="SlotPlacementStrategy"/>) on an active silo whose metadata says it serves the run's
/// device: the reserved silo when the caller names one, else this silo when it serves the device, else one at random.
/// A silo with no free slot answers the grain's start with NoSlot and the sweep queues the run again, so a full cluster
/// queues and never fails a placement it could serve; a device no silo serves fails here, with the device named.
/// </summary>
public sealed class SlotPlacementDirector(ISiloMetadataCache metadata) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var device = Context(target, SlotMetadata.RunDevice);
        var serving = context.GetCompatibleSilos(target).Where(s => SlotMetadata.Serves(DeviceOf(s), device)).ToArray();
        if (serving.Length == 0)
            throw new OrleansException($"no active silo serves device '{device ?? "any"}' for {target.GrainIdentity}");
        if (Context(target, SlotMetadata.SiloHint) is { } hint && serving.FirstOrDefault(s => s.ToParsableString() == hint) is { } reserved)
            return Task.FromResult(reserved);
        if (serving.Contains(context.LocalSilo)) return Task.FromResult(context.LocalSilo);
        return Task.FromResult(serving[Random.Shared.Next(serving.Length)]);
    }

    private string? DeviceOf(SiloAddress silo) => metadata.GetSiloMetadata(silo).Metadata.GetValueOrDefault(SlotMetadata.Device);

    private static string? Context(PlacementTarget target, string key) =>
        target.RequestContextData is { } data && data.TryGetValue(key, out var value) ? value as string : null;
}
