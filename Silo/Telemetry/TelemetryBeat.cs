using Microsoft.Extensions.Hosting;
using OrleansSweeps.Silo.Ledger;
using OrleansSweeps.Silo.Placement;

namespace OrleansSweeps.Silo.Telemetry;

/// <summary>Records the silo's slot count and the run counts of the sweeps it works on, every few seconds while it runs.</summary>
internal sealed class TelemetryBeat(SiloTelemetry telemetry, SlotPool slots, ILedger ledger) : BackgroundService
{
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            telemetry.RecordSlots(slots.Slots);
            await telemetry.RecordSweepStatesAsync(ledger, stoppingToken).ConfigureAwait(false);
            await Task.Delay(Every, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>Once more when the silo stops: the counts a sweep ended with.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await telemetry.RecordSweepStatesAsync(ledger, cancellationToken).ConfigureAwait(false);
    }
}
