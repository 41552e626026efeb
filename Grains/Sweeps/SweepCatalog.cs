using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Engine.Interop;

namespace OrleansSweeps.Grains.Sweeps;

/// <summary>
/// A sweep as an actor: submits its grid (points with their parameters and M) to the ledger with a copy of
/// the spec, reports progress, and completes the sweep by writing its results table once every run ended
/// and every aggregate is computed.
/// </summary>
public sealed class SweepCatalog(string id, ISweepStore store)
{
    /// <summary>Name of the results table blob (<c>results/results.csv</c>).</summary>
    public const string ResultsName = "results";

    public string Id { get; } = id;

    /// <summary>
    /// Stores the spec and registers the grid. Submitting the same spec again is a no-op (and reactivates a
    /// cancelled sweep); a different spec under this id throws <see cref="InvalidOperationException"/>.
    /// </summary>
    public void Submit(SweepSpec spec)
    {
        var stored = store.ReadSpec(Id);
        if (stored is not null && stored != spec.Text)
            throw new InvalidOperationException($"sweep '{Id}' already exists with a different spec; choose another --id");
        if (stored is null)
        {
            store.WriteSpec(Id, spec.Text);
            store.WriteEngine(Id, EngineIdentity.Name);
        }
        else
        {
            CheckEngine();
        }
        store.Register(Id, spec.Text, spec.Points.Select(p => (p.Index, Parameters(p), p.Spec.Replicates, p.Spec.Device)).ToArray());
    }

    /// <summary>The submitted spec; throws <see cref="InvalidOperationException"/> for an unknown sweep.</summary>
    public SweepSpec LoadSpec()
    {
        var text = store.ReadSpec(Id) ?? throw new UnknownSweepException($"unknown sweep '{Id}'");
        CheckEngine();
        return SpecLoader.Parse(text, $"sweep '{Id}' spec.yaml");
    }

    /// <summary>
    /// A sweep stored without an engine name was computed by the C++ engine over libtorch 1.13, whose results
    /// differ from this engine's in the last bits: continuing it would mix the two in one table, so it is refused.
    /// </summary>
    private void CheckEngine()
    {
        var engine = store.ReadEngine(Id);
        if (engine == EngineIdentity.Name) return;
        throw new InvalidOperationException(engine is null
            ? $"sweep '{Id}' was computed by the C++ engine over libtorch 1.13, whose results differ from the TorchSharp engine's in the last bits; it cannot be resumed: run its spec again under a new --id"
            : $"sweep '{Id}' was computed by the engine '{engine}', not '{EngineIdentity.Name}'; it cannot be resumed: run its spec again under a new --id");
    }

    public SweepProgress Progress() => store.Progress(Id) ?? throw new UnknownSweepException($"unknown sweep '{Id}'");

    /// <summary>When the sweep has finished, writes and returns its results table; otherwise null.</summary>
    public ResultsTable? TryComplete(SweepSpec spec)
    {
        if (!Progress().Finished) return null;
        var table = ResultsTable.Build(Id, spec, store.ReadAggregate);
        store.WriteResult(Id, ResultsName, table.ToCsv());
        return table;
    }

    /// <summary>Grid parameters as <c>path=value</c> pairs separated by spaces.</summary>
    public static string Parameters(SweepPoint point) => string.Join(' ', point.Parameters.Select(p => $"{p.Key}={p.Value}"));
}
