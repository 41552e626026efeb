using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Engine.Data;
using OrleansSweeps.Engine.Training;

namespace OrleansSweeps.Tests.TestSupport;

/// <summary>Training specs with regularisers for the engine tests.</summary>
public static class Regularized
{
    public static TrainingSpec Sgd(RegularizationSpec regularization, double momentum = 0, double weightDecay = 0) =>
        new(OptimizerKind.Sgd, 10, 8, 0.1, new ScheduleSpec(ScheduleKind.Constant, 1, 0, 100), momentum, weightDecay, new AdamSpec(0.9, 0.999, 1e-8))
        {
            Regularization = regularization,
        };

    /// <summary>Only the penalty <paramref name="kind"/> with strength <paramref name="lambda"/>.</summary>
    public static RegularizationSpec Penalty(PenaltyKind kind, double lambda) => kind switch
    {
        PenaltyKind.GradNorm => RegularizationSpec.None with { GradNorm = lambda },
        PenaltyKind.MgsTrace => RegularizationSpec.None with { MgsTrace = lambda },
        PenaltyKind.MgsLogDet => RegularizationSpec.None with { MgsLogDet = lambda },
        PenaltyKind.DataGrad => RegularizationSpec.None with { DataGrad = lambda },
        PenaltyKind.SpectReg => RegularizationSpec.None with { SpectReg = lambda },
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>
    /// Finite differences of per-example scalars with respect to each example's inputs. Inputs are float32, so
    /// x ± h is rounded to float32 and the step actually taken (exact in float64) is the divisor.
    /// value(examples) evaluates every example's scalar on the perturbed set (indexed by example; only the
    /// batch's entries are read). Returns [example in batch][input].
    /// </summary>
    public static double[][] InputGradients(Examples examples, long[] batch, double h,
        Func<Examples, double[]> value)
    {
        var size = examples.ExampleSize;
        var result = batch.Select(_ => new double[size]).ToArray();
        for (var m = 0; m < size; m++)
        {
            var plus = (float[])examples.Inputs.Clone();
            var minus = (float[])examples.Inputs.Clone();
            foreach (var i in batch)
            {
                var x = examples.Inputs[i * size + m];
                plus[i * size + m] = (float)(x + h);
                minus[i * size + m] = (float)(x - h);
            }
            var fPlus = value(With(examples, plus));
            var fMinus = value(With(examples, minus));
            for (var e = 0; e < batch.Length; e++)
            {
                var i = (int)batch[e];
                result[e][m] = (fPlus[i] - fMinus[i]) / ((double)plus[i * size + m] - minus[i * size + m]);
            }
        }
        return result;
    }

    public static Examples With(Examples e, float[] inputs, float[]? targets = null) =>
        new(inputs, e.ExampleShape, e.Labels, e.Classes, targets ?? e.Targets, e.TargetDim);
}
