using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Engine.Data;
using OrleansSweeps.Engine.Models;
using OrleansSweeps.Engine.Statistics;

namespace OrleansSweeps.Engine.Training;

/// <summary>
/// Takes a run's coherent-gradients diagnostics at a recorded step (SCIENCE.md §4): overfit whenever the
/// training labels carry noise, f_p / f_c and their null worlds with <c>stats.coherence</c>, learned
/// shares with <c>stats.learned</c>.
/// </summary>
internal sealed class DiagnosticsRecorder
{
    private readonly RunSpec _spec;
    private readonly int _replicate;
    private readonly NativeModel _model;
    private readonly TensorData _train;
    private readonly Examples _examples;

    private DiagnosticsRecorder(RunSpec spec, int replicate, NativeModel model, TensorData train, Examples examples)
    {
        _spec = spec;
        _replicate = replicate;
        _model = model;
        _train = train;
        _examples = examples;
        Learned = spec.Stats.Learned ? new LearnedTracker(examples.Corrupt) : null;
    }

    /// <summary>Null when the run records no diagnostics (regression, or no label noise and none asked for).</summary>
    public static DiagnosticsRecorder? For(RunSpec spec, int replicate, NativeModel model, TensorData train, Examples examples)
    {
        if (!examples.IsClassification) return null;
        var noisy = spec.Dataset.LabelNoise is { Fraction: > 0 };
        return noisy || spec.Stats.Coherence || spec.Stats.Learned ? new DiagnosticsRecorder(spec, replicate, model, train, examples) : null;
    }

    public LearnedTracker? Learned { get; private set; }

    /// <summary>Continues from a checkpoint's first-learned table.</summary>
    public void Restore(IReadOnlyList<int> firstLearned)
    {
        if (Learned is not null && firstLearned.Count > 0) Learned = new LearnedTracker(_examples.Corrupt, [.. firstLearned]);
    }

    /// <param name="batch">The update's minibatch (used when <c>stats.examples</c> is batch).</param>
    public Diagnostics Measure(int step, double trainAccuracy, double testAccuracy, ReadOnlySpan<long> batch)
    {
        var noise = _spec.Dataset.LabelNoise?.Fraction ?? 0;
        var overfit = Diagnostics.OverfitOf(trainAccuracy, testAccuracy, noise, _examples.Classes);
        double fp = double.NaN, fc = double.NaN, nullMean = double.NaN, nullSd = double.NaN;
        if (_spec.Stats.Coherence)
        {
            var examples = _spec.Stats.Examples == StatsExamples.Batch ? batch : default;
            var c = Coherence.Compute(_model, _train, examples, _examples.Corrupt, _spec.Stats.NullWorlds,
                SeedScheme.Derive(_spec.Seed, "null-worlds", _replicate, step));
            (fp, fc) = (c.Pristine, c.Corrupt);
            if (c.NullPristine.Length > 0) nullMean = c.NullPristine.Average();
            if (c.NullPristine.Length > 1)
                nullSd = Math.Sqrt(c.NullPristine.Sum(v => (v - nullMean) * (v - nullMean)) / (c.NullPristine.Length - 1));
        }
        double learnedPristine = double.NaN, learnedCorrupt = double.NaN;
        if (Learned is not null) (learnedPristine, learnedCorrupt) = Learned.Observe(step, Coherence.Correct(_model, _train));
        return new Diagnostics(overfit, fp, fc, nullMean, nullSd, learnedPristine, learnedCorrupt);
    }
}
