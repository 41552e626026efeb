namespace OrleansSweeps.Engine.Training;

/// <summary>
/// Per-example "first step learned" (SCIENCE.md §4): the first recorded step at which a training example's
/// argmax equals its (possibly noisy) label; −1 until then. Part of a run's checkpoint, so the fractions
/// continue exactly after a resume.
/// </summary>
public sealed class LearnedTracker
{
    private readonly int[] _first;
    private readonly bool[] _corrupt;

    public LearnedTracker(bool[] corrupt, int[]? first = null)
    {
        _corrupt = corrupt;
        if (first is not null && first.Length != corrupt.Length)
            throw new InvalidDataException($"first-learned table has {first.Length} entries for {corrupt.Length} training examples");
        _first = first ?? Enumerable.Repeat(-1, corrupt.Length).ToArray();
    }

    public IReadOnlyList<int> FirstLearned => _first;

    /// <summary>Marks the examples correct at <paramref name="step"/>; returns the learned shares (pristine, corrupt; NaN for an empty group).</summary>
    public (double Pristine, double Corrupt) Observe(int step, bool[] correct)
    {
        if (correct.Length != _first.Length) throw new ArgumentException($"expected {_first.Length} flags, got {correct.Length}", nameof(correct));
        int pristineTotal = 0, corruptTotal = 0, pristineLearned = 0, corruptLearned = 0;
        for (var i = 0; i < _first.Length; i++)
        {
            if (_first[i] < 0 && correct[i]) _first[i] = step;
            var learned = _first[i] >= 0 && _first[i] <= step;
            if (_corrupt[i])
            {
                corruptTotal++;
                if (learned) corruptLearned++;
            }
            else
            {
                pristineTotal++;
                if (learned) pristineLearned++;
            }
        }
        return (Share(pristineLearned, pristineTotal), Share(corruptLearned, corruptTotal));
    }

    private static double Share(int count, int total) => total == 0 ? double.NaN : (double)count / total;
}
