using Orleans.Placement;
using Orleans.Runtime;

namespace OrleansSweeps.Tests.TestSupport;

/// <summary>A grain with one persisted state in the storage named <see cref="StateGrain.StorageName"/>, for storage tests.</summary>
public interface IStateGrain : IGrainWithStringKey
{
    Task<StateSnapshot> Read();

    /// <summary>Sets the value and writes the state with the ETag this activation holds.</summary>
    Task<StateSnapshot> Write(int value);

    Task<StateSnapshot> Clear();

    /// <summary>Re-reads the state from storage (the ETag becomes the stored one).</summary>
    Task<StateSnapshot> Reload();

    Task Deactivate();
}

/// <summary>What a <see cref="IStateGrain"/> holds: its value, ETag, whether a record exists, and its silo.</summary>
[GenerateSerializer, Immutable]
public sealed record StateSnapshot([property: Id(0)] int Value, [property: Id(1)] string? ETag, [property: Id(2)] bool RecordExists, [property: Id(3)] string Silo);

[GenerateSerializer]
public sealed class TestState
{
    [Id(0)] public int Value { get; set; }

    [Id(1)] public List<string> History { get; set; } = [];
}

/// <summary>Activates on the silo that calls it first, so a test chooses the silo that holds it.</summary>
[PreferLocalPlacement]
public sealed class StateGrain([PersistentState("state", StateGrain.StorageName)] IPersistentState<TestState> state, ILocalSiloDetails silo) : Grain, IStateGrain
{
    public const string StorageName = "test-state";

    public Task<StateSnapshot> Read() => Task.FromResult(Snapshot());

    public async Task<StateSnapshot> Write(int value)
    {
        state.State.Value = value;
        state.State.History.Add($"{value}");
        await state.WriteStateAsync();
        return Snapshot();
    }

    public async Task<StateSnapshot> Clear()
    {
        await state.ClearStateAsync();
        return Snapshot();
    }

    public async Task<StateSnapshot> Reload()
    {
        await state.ReadStateAsync();
        return Snapshot();
    }

    public Task Deactivate()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    private StateSnapshot Snapshot() => new(state.State.Value, state.Etag, state.RecordExists, silo.SiloAddress.ToString());
}
