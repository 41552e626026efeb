using Orleans.Runtime;
using OrleansSweeps.Grains.Placement;

namespace OrleansSweeps.Tests.Grains;

/// <summary>A grain placed like a run (<see cref="SlotPlacementAttribute"/>) that says which silo it lives on.</summary>
public interface IPlacementProbe : IGrainWithStringKey
{
    Task<string> Silo();
}

[SlotPlacement]
public sealed class PlacementProbe(ILocalSiloDetails silo) : Grain, IPlacementProbe
{
    public Task<string> Silo() => Task.FromResult(silo.Name);
}
