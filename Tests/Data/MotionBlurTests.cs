using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Engine.Data;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Data;

/// <summary>The motion-blur kernel: mass, identity, exact weights, and the seeded per-image angle.</summary>
public sealed class MotionBlurTests
{
    private static readonly CorruptionSpec Default = new(CorruptionKind.MotionBlur, 6, 2.0);

    [Theory]
    [InlineData(6, 2.0, 0.0)]
    [InlineData(6, 2.0, 0.3)]
    [InlineData(6, 2.0, -0.7853981)]
    [InlineData(27, 5.0, 0.5)]
    [InlineData(3, 0.5, -0.2)]
    public void Image_mass_is_preserved_border_pixels_included(int radius, double sigma, double angle)
    {
        var image = Image(28, 28, seed: 5);
        // Bright pixels in all four corners and on every border: the streak leaves the image from there.
        foreach (var (y, x) in new[] { (0, 0), (0, 27), (27, 0), (27, 27), (13, 27), (0, 13), (27, 13), (13, 0) }) image[y * 28 + x] = 1f;
        var blurred = new float[image.Length];

        MotionBlur.Blur(image, blurred, 1, 28, 28, angle, radius, sigma);

        var before = image.Sum(v => (double)v);
        var after = blurred.Sum(v => (double)v);
        NumericAssert.Close(before, after, 1e-6, 0, "sum of intensities");
        Assert.All(blurred, v => Assert.True(v >= 0, "a blur of non-negative pixels is non-negative"));
        if (radius > 0) Assert.NotEqual(image, blurred);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.6)]
    [InlineData(-0.4)]
    public void Zero_radius_is_the_identity(double angle)
    {
        var image = Image(3 * 7, 9, seed: 6); // three channels of 7×9
        var blurred = new float[image.Length];

        MotionBlur.Blur(image, blurred, 3, 7, 9, angle, 0, 2.0);

        Assert.Equal(image, blurred);
    }

    [Fact]
    public void A_horizontal_blur_spreads_one_pixel_along_its_row_with_the_gaussian_weights()
    {
        // radius 2, σ = 1: weights 1, e^(-1/2), e^(-2) normalised by their sum 1.7418659...
        var image = new float[5 * 9];
        image[2 * 9 + 1] = 1f;
        var blurred = new float[image.Length];

        MotionBlur.Blur(image, blurred, 1, 5, 9, 0.0, 2, 1.0);

        var expected = new float[image.Length];
        expected[2 * 9 + 1] = 0.5740970f;
        expected[2 * 9 + 2] = 0.3482074f;
        expected[2 * 9 + 3] = 0.0776956f;
        for (var i = 0; i < expected.Length; i++) Assert.Equal(expected[i], blurred[i], 6e-8f);
    }

    [Fact]
    public void Near_the_border_the_weights_are_renormalised_over_the_taps_inside()
    {
        // The pixel in column 7 of 9: taps at columns 7 and 8 only, weights 1 and e^(-1/2) over their sum.
        var image = new float[5 * 9];
        image[2 * 9 + 7] = 0.5f;
        var blurred = new float[image.Length];

        MotionBlur.Blur(image, blurred, 1, 5, 9, 0.0, 2, 1.0);

        Assert.Equal(0.5f * 0.6224593f, blurred[2 * 9 + 7], 6e-8f);
        Assert.Equal(0.5f * 0.3775407f, blurred[2 * 9 + 8], 6e-8f);
        Assert.Equal(0.5f, blurred.Sum(), 1e-7f);
    }

    [Fact]
    public void A_positive_angle_streaks_up_and_to_the_right()
    {
        var image = new float[15 * 15];
        image[10 * 15 + 4] = 1f;
        var blurred = new float[image.Length];

        MotionBlur.Blur(image, blurred, 1, 15, 15, Math.PI / 4, 4, 2.0);

        var lit = Enumerable.Range(0, blurred.Length).Where(i => blurred[i] > 0).Select(i => (Row: i / 15, Col: i % 15)).ToArray();
        Assert.All(lit, p => Assert.True(p.Row <= 10 && p.Col >= 4 && Math.Abs(10 - p.Row - (p.Col - 4)) <= 1, $"pixel {p} is off the 45° line"));
        Assert.Contains((7, 7), lit); // 3√2 ≈ 4.24 away, beyond the radius, yet the d = 4 tap at (7.17, 6.83) splats onto it
        Assert.True(blurred[10 * 15 + 4] > blurred[9 * 15 + 5], "weights fall with distance");
    }

    [Fact]
    public void The_angle_is_seeded_per_image_and_covers_plus_minus_45_degrees()
    {
        var angles = Enumerable.Range(0, 4000).Select(i => MotionBlur.Angle(11, MotionBlur.PoolSplit, i)).ToArray();

        Assert.Equal(angles, Enumerable.Range(0, 4000).Select(i => MotionBlur.Angle(11, MotionBlur.PoolSplit, i)));
        Assert.NotEqual(angles[0], MotionBlur.Angle(12, MotionBlur.PoolSplit, 0));
        Assert.NotEqual(angles[0], MotionBlur.Angle(11, MotionBlur.TestSplit, 0));
        Assert.Equal(4000, angles.Distinct().Count());
        var degrees = angles.Select(a => a * 180 / Math.PI).ToArray();
        Assert.All(degrees, d => Assert.InRange(d, -45.0, 45.0));
        Assert.InRange(degrees.Min(), -45.0, -44.0);
        Assert.InRange(degrees.Max(), 44.0, 45.0);
        Assert.InRange(degrees.Average(), -1.5, 1.5);     // sd of the mean ≈ 26/√4000 ≈ 0.41
        Assert.InRange(degrees.Count(d => d < 0), 1850, 2150);
    }

    [Fact]
    public void Blurring_a_selection_equals_selecting_from_the_blurred_pool()
    {
        var pool = RandomExamples.Classification(30, [1, 12, 12], 3, seed: 7);
        var all = Enumerable.Range(0, 30).ToArray();
        int[] picked = [29, 3, 17, 4];

        var blurredPool = MotionBlur.Apply(pool, all, Default, 99, MotionBlur.PoolSplit);
        var blurredSelection = MotionBlur.Apply(pool.Select(picked), picked, Default, 99, MotionBlur.PoolSplit);

        Assert.Equal(blurredPool.Select(picked).Inputs, blurredSelection.Inputs);
        Assert.Equal(pool.Select(picked).Labels, blurredSelection.Labels);
        Assert.NotEqual(blurredPool.Inputs, MotionBlur.Apply(pool, all, Default, 100, MotionBlur.PoolSplit).Inputs);
        // Image 3 alone, with the angle of its stream: the same pixels.
        var single = new float[144];
        MotionBlur.Blur(pool.Inputs.AsSpan(3 * 144, 144), single, 1, 12, 12, MotionBlur.Angle(99, MotionBlur.PoolSplit, 3), 6, 2.0);
        Assert.Equal(single, blurredSelection.Inputs.AsSpan(144, 144).ToArray());
    }

    /// <summary>Sparse random intensities in [0, 1], like a digit: most pixels 0.</summary>
    private static float[] Image(int height, int width, ulong seed)
    {
        var random = new DeterministicRandom(seed);
        return Enumerable.Range(0, height * width).Select(_ => random.NextDouble() < 0.3 ? (float)random.NextDouble() : 0f).ToArray();
    }
}
