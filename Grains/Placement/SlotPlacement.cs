using Orleans.Placement;
using Orleans.Runtime;

namespace OrleansSweeps.Grains.Placement;

/// <summary>
/// Places a grain only on a silo that serves its device (silo metadata <see cref="SlotMetadata.Device"/>), preferring
/// the silo its caller reserved a slot on (request context <see cref="SlotMetadata.SiloHint"/>). The director is the
/// silo's; the built-in metadata filters only match the calling silo's own values.
/// </summary>
[GenerateSerializer, Immutable]
public sealed class SlotPlacementStrategy : PlacementStrategy;

/// <summary>Marks a grain class for <see cref="SlotPlacementStrategy"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class SlotPlacementAttribute() : PlacementAttribute(new SlotPlacementStrategy());

/// <summary>The silo metadata keys and request context keys of slot placement.</summary>
public static class SlotMetadata
{
    /// <summary>Silo metadata: the device kind its slots serve (<c>cpu</c>, <c>cuda</c>) or <see cref="AnyDevice"/>.</summary>
    public const string Device = "sweeps.device";

    /// <summary>Silo metadata: how many runs it trains at once.</summary>
    public const string Slots = "sweeps.slots";

    /// <summary>An embedded silo trains every run, on its own <c>--device</c> or each spec's.</summary>
    public const string AnyDevice = "any";

    /// <summary>Request context: the device kind the run being activated needs.</summary>
    public const string RunDevice = "sweeps.run-device";

    /// <summary>Request context: the silo (its <c>SiloAddress.ToParsableString()</c>) whose slot was reserved for the run.</summary>
    public const string SiloHint = "sweeps.silo";

    /// <summary>The kind of a spec's device: <c>cuda</c> for cuda and cuda:i, else <c>cpu</c>.</summary>
    public static string KindOf(string device) => device.StartsWith("cuda", StringComparison.Ordinal) ? "cuda" : "cpu";

    public static bool Serves(string? siloDevice, string? runDevice) =>
        siloDevice is not null && (siloDevice == AnyDevice || runDevice is null || siloDevice == runDevice);
}
