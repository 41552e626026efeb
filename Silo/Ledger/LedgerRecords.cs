using OrleansSweeps.Contracts.Identity;

namespace OrleansSweeps.Silo.Ledger;

/// <summary>A sweep as submitted: its id, the spec text (the ledger keeps its SHA-256), and its grid points.</summary>
public sealed record SweepDefinition(string Sweep, string SpecText, IReadOnlyList<PointDefinition> Points);

/// <summary>One grid point: its index, its grid parameters as text (e.g. <c>lr=0.1 n=100</c>), its replicate count M.</summary>
/// <param name="Device">What its runs need: <c>cpu</c> or <c>cuda</c> (<see cref="DeviceKind"/>); its runs are placed only on silos that serve it.</param>
public sealed record PointDefinition(int Point, string Parameters, int Replicates, string Device = DeviceKind.Cpu);

/// <summary>The kinds of device a run needs and a silo serves (a spec's <c>cuda:1</c> is of kind <c>cuda</c>).</summary>
public static class DeviceKind
{
    public const string Cpu = "cpu";
    public const string Cuda = "cuda";

    public static string Of(string device) => device.StartsWith(Cuda, StringComparison.Ordinal) ? Cuda : Cpu;
}

public enum SweepState
{
    Active,
    Cancelled,
}

public sealed record RunCounts(int Queued, int Running, int Completed, int Failed)
{
    public int Total => Queued + Running + Completed + Failed;
}

/// <summary>Aggregates exist from the moment they are ready (all M reports in).</summary>
public sealed record AggregateCounts(int Ready, int Completed);

public sealed record SweepStatus(
    string Sweep, string SpecSha256, SweepState State, int Points, DateTimeOffset CreatedAt, RunCounts Runs, AggregateCounts Aggregates)
{
    /// <summary>No run is queued or running (every one completed or failed).</summary>
    public bool RunsFinished => Runs.Queued == 0 && Runs.Running == 0;
}

/// <summary>A run being trained, and the name of the silo that started it (<see cref="ILedger.StartRunAsync"/>).</summary>
public sealed record RunningRun(RunId Run, string? Silo);

/// <summary>What a silo serves (<see cref="ILedger.RecordSiloAsync"/>): its slots, its device (<c>cpu</c>, <c>cuda:0</c>, …), when it started.</summary>
public sealed record SiloSlots(string Silo, int Slots, string Device, DateTimeOffset StartedAt);

/// <summary>One replicate's report of one recorded step (the payload is the run's scalars, as text).</summary>
public sealed record StepReport(int Replicate, int Step, string Payload);

/// <summary>What a run reports for one recorded step (see <see cref="ILedger.RecordReportsAsync"/>).</summary>
public sealed record StepPayload(int Step, string Payload);
