using OrleansSweeps.Contracts.Specs;

namespace OrleansSweeps.Engine.Training;

/// <summary>The learning rate used by update t (t = 0 is the first update).</summary>
public static class LearningRateSchedule
{
    public static double At(TrainingSpec training, int step)
    {
        var s = training.Schedule;
        return s.Kind switch
        {
            ScheduleKind.Constant => training.LearningRate,
            ScheduleKind.Exponential => training.LearningRate * Math.Pow(s.Gamma, step),
            // Triangular cycle (Smith, 2017): min_lr at the start of each period, lr at its middle.
            ScheduleKind.Cyclical => s.MinLearningRate + (training.LearningRate - s.MinLearningRate) *
                (1.0 - Math.Abs(2.0 * (step % s.Period) / s.Period - 1.0)),
            _ => throw new ArgumentOutOfRangeException(nameof(training), s.Kind, "unknown schedule"),
        };
    }
}
