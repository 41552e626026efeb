using OrleansSweeps.Client.Reports.Plotting;

namespace OrleansSweeps.Tests.Client.Reports;

/// <summary>Axis scaling: linear "nice" ticks, log decades, the choice between them, and value → pixel.</summary>
public sealed class PlotScaleTests
{
    [Fact]
    public void Linear_axis_widens_to_nice_ticks_and_maps_ends_to_pixel_ends()
    {
        var scale = PlotScale.Linear([0.13, 0.87, 0.5], 100, 500);
        Assert.False(scale.Log);
        Assert.Equal([0, 0.2, 0.4, 0.6, 0.8, 1.0], scale.Ticks.Select(t => Math.Round(t, 12)));
        Assert.Equal(100, scale.ToPixel(0), 9);
        Assert.Equal(500, scale.ToPixel(1), 9);
        Assert.Equal(100 + 0.13 * 400, scale.ToPixel(0.13), 9);
    }

    [Theory]
    [InlineData(-7.3, 2.1, 2, -8, 4)]      // range 9.4 → raw step 1.88 → 2
    [InlineData(0, 300, 100, 0, 300)]      // raw 60 → 100
    [InlineData(0.001, 0.0042, 0.001, 0.001, 0.005)] // raw 0.00064 → 0.001
    [InlineData(12, 38, 10, 10, 40)]       // raw 5.2 → 10
    public void Linear_step_is_1_2_or_5_times_a_power_of_ten(double lo, double hi, double step, double min, double max)
    {
        var scale = PlotScale.Linear([lo, hi], 0, 1);
        Assert.Equal(step, scale.Ticks[1] - scale.Ticks[0], 9);
        Assert.Equal(min, scale.Min, 9);
        Assert.Equal(max, scale.Max, 9);
        Assert.True(scale.Min <= lo && scale.Max >= hi);
    }

    [Fact]
    public void A_constant_series_still_gets_a_range()
    {
        var scale = PlotScale.Linear([3, 3, 3], 0, 100);
        Assert.True(scale.Min < 3 && scale.Max > 3);
        Assert.True(double.IsFinite(scale.ToPixel(3)));
        var zero = PlotScale.Linear([0], 0, 100);
        Assert.True(zero.Min < 0 && zero.Max > 0);
    }

    [Fact]
    public void Log_axis_spans_whole_decades_and_places_values_by_their_logarithm()
    {
        var scale = PlotScale.LogScale([3, 4500, 20], 0, 400);
        Assert.True(scale.Log);
        Assert.Equal([1, 10, 100, 1000, 10000], scale.Ticks);
        Assert.Equal(200, scale.ToPixel(100), 9); // decade 2 of 0..4
        Assert.Equal(Math.Log10(3) / 4 * 400, scale.ToPixel(3), 9);
        Assert.True(double.IsNaN(scale.ToPixel(0)));
        Assert.True(double.IsNaN(scale.ToPixel(-1)));
    }

    [Fact]
    public void Many_decades_are_labelled_with_a_stride()
    {
        var scale = PlotScale.LogScale([1e-12, 1e6], 0, 1);
        Assert.True(scale.Ticks.Count <= PlotScale.MaxLogTicks + 1);
        Assert.Equal(1e-12, scale.Ticks[0]);
        Assert.Equal(1e6, scale.Max);
    }

    [Fact]
    public void Auto_uses_log_only_for_positive_values_spanning_two_decades()
    {
        Assert.True(PlotScale.Auto([0.01, 0.5, 3], 0, 1).Log);
        Assert.False(PlotScale.Auto([0.5, 3], 0, 1).Log);         // less than 100×
        Assert.False(PlotScale.Auto([-1, 0.01, 500], 0, 1).Log);  // a negative value cannot go on a log axis
        Assert.False(PlotScale.Auto([0, 0.01, 500], 0, 1).Log);
        Assert.True(PlotScale.Auto([double.NaN, 1, 1000], 0, 1).Log); // NaN (not recorded) is ignored
    }

    [Fact]
    public void Pixels_can_run_backwards_as_on_a_y_axis()
    {
        var scale = PlotScale.Linear([0, 10], 300, 50);
        Assert.Equal(300, scale.ToPixel(0), 9);
        Assert.Equal(50, scale.ToPixel(10), 9);
        Assert.Equal(175, scale.ToPixel(5), 9);
    }
}
