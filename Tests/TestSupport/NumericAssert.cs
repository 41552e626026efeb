using Xunit.Sdk;

namespace OrleansSweeps.Tests.TestSupport;

/// <summary>Element-wise comparisons of float64 vectors that name the first offending index.</summary>
public static class NumericAssert
{
    /// <summary>
    /// |expected − actual| ≤ <paramref name="relative"/> · max(|expected|, |actual|, <paramref name="floor"/>):
    /// relative for ordinary values, absolute (relative · floor) near zero where a relative error means nothing.
    /// </summary>
    public static void Close(double expected, double actual, double relative, double floor, string what)
    {
        var scale = Math.Max(Math.Max(Math.Abs(expected), Math.Abs(actual)), floor);
        if (!(Math.Abs(expected - actual) <= relative * scale))
            throw new XunitException($"{what}: expected {expected:R}, got {actual:R} (relative error {Math.Abs(expected - actual) / scale:E2} > {relative:E1})");
    }

    public static void AllClose(IReadOnlyList<double> expected, IReadOnlyList<double> actual, double relative, double floor, string what)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++) Close(expected[i], actual[i], relative, floor, $"{what}[{i}]");
    }
}
