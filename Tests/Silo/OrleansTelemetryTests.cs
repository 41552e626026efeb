using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Hosting;
using Orleans.Runtime;
using OrleansSweeps.Silo.Telemetry;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Silo;

/// <summary>
/// <see cref="OrleansTelemetry.AddOrleansTelemetry(IClientBuilder)"/> on a client and its silo: a grain call made
/// inside a span continues that span's trace on the silo (through the gateway, not a shared async context).
/// </summary>
public sealed class OrleansTelemetryTests
{
    [Fact]
    public async Task A_clients_grain_call_continues_the_callers_trace_on_the_silo()
    {
        using var caller = new ActivitySource("OrleansSweeps.Tests.Caller");
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source == caller || source.Name.StartsWith("Microsoft.Orleans.", StringComparison.Ordinal),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        await using var silo = await LocalSilo.StartLocalhostAsync(s => s.AddMemoryGrainStorage(StateGrain.StorageName).AddOrleansTelemetry());
        var gateway = silo.Services.GetRequiredService<ILocalSiloDetails>().GatewayAddress!.Endpoint.Port;
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client => client.UseLocalhostClustering(gateway).AddOrleansTelemetry());
        using var host = builder.Build();
        await host.StartAsync();

        ActivityTraceId trace;
        using (var span = caller.StartActivity("call"))
        {
            trace = span!.TraceId;
            await host.Services.GetRequiredService<IGrainFactory>().GetGrain<IStateGrain>("traced").Write(1);
        }
        await host.StopAsync();

        // The silo's server span of the call, in the caller's trace.
        Assert.Contains(spans, s => s.Kind == ActivityKind.Server && s.OperationName.EndsWith("/Write", StringComparison.Ordinal) && s.TraceId == trace);
    }
}
