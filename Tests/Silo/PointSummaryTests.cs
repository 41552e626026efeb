using OrleansSweeps.Engine.Training;
using OrleansSweeps.Grains.Runs;
using OrleansSweeps.Silo.Results;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Silo;

/// <summary>The per-point summary against the formulas of SCIENCE.md §2, on hand-made replicate curves.</summary>
public sealed class PointSummaryTests
{
    [Fact]
    public void Osgr_lhs_and_rhs_and_accuracy_moments_follow_eq23_eq19_and_the_sample_sd()
    {
        var point = SpecBuilder.Parse(SpecBuilder.ToyYaml).Points[0]; // n = 64
        // Replicate m: L_t, L_{t+1}, L'_t, L'_{t+1} at step 0; Σρ², Σg² at step 0; final test accuracy.
        RunOutcome Replicate(double train, double trainNext, double test, double testNext, double rho2, double g2, double accuracy) => new(
        [
            new CurveRow(0, 0.05, train, double.NaN, test, double.NaN, trainNext, testNext) { Stats = new ModelStats(1, 1, g2, rho2, 0.5, 0.5, double.NaN, double.NaN, double.NaN) },
            new CurveRow(20, 0.05, 0.5, 0.9, 0.6, accuracy, double.NaN, double.NaN),
        ], null, false);
        var outcomes = new[]
        {
            Replicate(2.0, 1.5, 2.2, 1.9, rho2: 8, g2: 0.5, accuracy: 0.75),
            Replicate(3.0, 2.0, 3.1, 2.6, rho2: 24, g2: 1.5, accuracy: 0.25),
            new RunOutcome(null, "diverged at update 3", false),
        };

        var summary = PointSummary.From(point, outcomes);

        Assert.Equal(2, summary.Runs);
        Assert.Equal(1, summary.Failed);
        Assert.Equal(0, summary.OsgrStep);
        // eq. 23: Σ ΔL' / Σ ΔL = ((1.9−2.2) + (2.6−3.1)) / ((1.5−2) + (2−3)) = −0.8 / −1.5
        Assert.Equal(((1.9 - 2.2) + (2.6 - 3.1)) / ((1.5 - 2.0) + (2.0 - 3.0)), summary.OsgrLhs);
        Assert.Equal(-0.8 / -1.5, summary.OsgrLhs, 14);
        // eq. 19: 1 − (8+24)/2 / (64 · (0.5+1.5)/2) = 1 − 16/64 = 0.75
        Assert.Equal(0.75, summary.OsgrRhs, 15);
        Assert.Equal(0.5, summary.TestAccuracyMean);
        Assert.Equal(Math.Sqrt(0.125), summary.TestAccuracySd, 15); // sample sd of {0.75, 0.25}
        Assert.Equal(20, summary.FinalStep);
    }
}
