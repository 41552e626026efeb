using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Engine.Data;
using OrleansSweeps.Engine.Models;
using OrleansSweeps.Engine.Statistics;

namespace OrleansSweeps.Engine.Training;

/// <summary>
/// Takes a run's gradient statistics at a recorded step (<see cref="StatsSpec"/>): moments before the
/// update, the MGS kernel on a fresh batch, and — after the update — the new mean gradient on the same
/// examples, for the correlation of its change with W.
/// </summary>
internal sealed class StatsRecorder
{
    private readonly RunSpec _spec;
    private readonly int _replicate;
    private readonly NativeModel _model;
    private readonly TensorData _train;
    private readonly int _trainCount;
    private readonly int _outputs;
    private readonly long[] _sizes;
    private readonly HashSet<int> _frozenTensors;

    public StatsRecorder(RunSpec spec, int replicate, NativeModel model, TensorData train, int trainCount, int outputs)
    {
        _spec = spec;
        _replicate = replicate;
        _model = model;
        _train = train;
        _trainCount = trainCount;
        _outputs = outputs;
        _sizes = model.ParameterSizes();
        // Layer l's weight and bias are tensors 2l and 2l+1; the plain gradient is zero for frozen ones.
        _frozenTensors = spec.Model.Frozen.SelectMany(l => new[] { 2 * l, 2 * l + 1 }).ToHashSet();
    }

    public sealed record Measurement(int Step, GradientMoments? Moments, MgsKernel? Mgs, double[] Weights, long[] Examples);

    /// <param name="batch">The update's minibatch (empty for gradient descent).</param>
    public Measurement Measure(int step, ReadOnlySpan<long> batch)
    {
        var stats = _spec.Stats;
        long[] examples = stats.Examples == StatsExamples.Batch ? batch.ToArray() : [];
        var moments = stats.Moments ? GradientMoments.Compute(_model, _train, examples, stats.Signs, stats.Chunk) : null;
        MgsKernel? mgs = null;
        if (stats.MgsBatch > 0)
        {
            var indices = Enumerable.Range(0, _trainCount).Select(i => (long)i).ToArray();
            new DeterministicRandom(SeedScheme.Derive(_spec.Seed, "mgs", _replicate, step)).Shuffle(indices.AsSpan());
            mgs = MgsKernel.Compute(_model, _train, indices.AsSpan(0, stats.MgsBatch), _outputs, withMatrix: false);
        }
        return new Measurement(step, moments, mgs, _model.GetParameters(), examples);
    }

    /// <param name="updated">True when the update after the step was made (not at the final step).</param>
    public IReadOnlyList<StatsRow> Complete(Measurement m, bool updated)
    {
        double[]? next = null;
        if (m.Moments is not null && updated)
        {
            next = _model.LossGradient(_train, m.Examples).Gradient;
            var offset = 0;
            for (var t = 0; t < _sizes.Length; t++)
            {
                if (_frozenTensors.Contains(t)) Array.Fill(next, double.NaN, offset, (int)_sizes[t]);
                offset += (int)_sizes[t];
            }
        }
        return GradientSummary.Summarise(m.Step, m.Moments, _sizes, m.Weights, next, m.Mgs);
    }
}
