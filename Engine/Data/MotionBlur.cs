using OrleansSweeps.Contracts.Specs;

namespace OrleansSweeps.Engine.Data;

/// <summary>
/// MNIST-C-style motion blur (Mu &amp; Gilmer, 2019, after ImageNet-C's <c>_motion_blur</c>), as the MGS
/// paper's blurred MNIST (SCIENCE.md §3). The kernel of one image:
/// <list type="bullet">
/// <item>a one-sided line of taps at distances d = 0, 1, …, radius from the source pixel along the angle θ,
///   at offset (row, col) = (−d·sin θ, d·cos θ), so θ = 0 streaks to the right and positive angles turn
///   counter-clockwise as seen on screen;</item>
/// <item>tap d has the Gaussian weight exp(−d²/(2σ²)) (d = 0 weighs 1);</item>
/// <item>a tap that falls between pixels is splatted bilinearly onto its four neighbours (ImageNet-C
///   rounds each tap to a whole pixel instead; splatting keeps the blur a smooth function of θ);</item>
/// <item>scatter form: each source pixel's intensity is spread over its in-bounds targets with the weights
///   normalised over those targets only, so no intensity leaves the image and the sum of intensities
///   (image mass) is preserved up to float rounding. Near the border the streak is thus shorter but
///   brighter, rather than dimmer;</item>
/// <item>θ is uniform in [−45°, 45°), drawn per image from the stream <c>blur/s/i</c> (s = 0 for the
///   training pool, 1 for the test set; i = the image's index in the full pool), so an image's blur
///   does not depend on which other images a training set holds.</item>
/// </list>
/// Sums run in float64 and are rounded to float32 once per pixel.
/// </summary>
public static class MotionBlur
{
    public const double MaxAngleDegrees = 45.0;

    /// <summary>Split numbers of the <c>blur/s/i</c> stream.</summary>
    public const int PoolSplit = 0;
    public const int TestSplit = 1;

    /// <summary>The blur angle (radians) of image <paramref name="index"/> of split <paramref name="split"/>.</summary>
    public static double Angle(ulong root, int split, int index)
    {
        var random = new DeterministicRandom(SeedScheme.Derive(root, "blur", split, index));
        var max = MaxAngleDegrees * Math.PI / 180.0;
        return random.NextDouble(-max, max);
    }

    /// <summary>
    /// <paramref name="images"/> blurred, image n with the angle of pool index <paramref name="poolIndices"/>[n]:
    /// the same as blurring the whole pool and then selecting.
    /// </summary>
    public static Examples Apply(Examples images, IReadOnlyList<int> poolIndices, CorruptionSpec spec, ulong root, int split)
    {
        if (spec.Kind != CorruptionKind.MotionBlur) throw new ArgumentOutOfRangeException(nameof(spec), spec.Kind, "unknown corruption");
        if (poolIndices.Count != images.Count) throw new ArgumentException("one pool index per image", nameof(poolIndices));
        if (images.ExampleShape.Length != 3) throw new ArgumentException("motion blur needs C×H×W images", nameof(images));
        var (channels, height, width) = (images.ExampleShape[0], images.ExampleShape[1], images.ExampleShape[2]);
        var size = images.ExampleSize;
        var output = new float[images.Inputs.Length];
        // Each image is independent and written to its own slice, so the result does not depend on threads.
        Parallel.For(0, images.Count, n =>
        {
            var angle = Angle(root, split, poolIndices[n]);
            Blur(images.Inputs.AsSpan(n * size, size), output.AsSpan(n * size, size), channels, height, width, angle, spec.Radius, spec.Sigma);
        });
        return new Examples(output, images.ExampleShape, images.Labels, images.Classes, images.Targets, images.TargetDim, images.Corrupt);
    }

    /// <summary>Blurs one C×H×W image from <paramref name="source"/> into <paramref name="target"/> (each channel alike).</summary>
    public static void Blur(ReadOnlySpan<float> source, Span<float> target, int channels, int height, int width, double angle, int radius, double sigma)
    {
        var plane = height * width;
        if (source.Length != channels * plane || target.Length != source.Length) throw new ArgumentException("image sizes do not match C×H×W");
        var taps = Taps(angle, radius, sigma);
        var sums = new double[plane];
        for (var c = 0; c < channels; c++)
        {
            Array.Clear(sums);
            var src = source.Slice(c * plane, plane);
            for (var y = 0; y < height; y++)
            {
                for (var x = 0; x < width; x++)
                {
                    double v = src[y * width + x];
                    if (v == 0) continue; // most MNIST pixels: nothing to spread
                    var inBounds = 0.0;
                    foreach (var (dy, dx, w) in taps)
                    {
                        if (Inside(y + dy, x + dx, height, width)) inBounds += w;
                    }
                    // inBounds ≥ the d = 0 tap's weight on the source pixel itself, so it is positive.
                    var scale = v / inBounds;
                    foreach (var (dy, dx, w) in taps)
                    {
                        if (Inside(y + dy, x + dx, height, width)) sums[(y + dy) * width + x + dx] += scale * w;
                    }
                }
            }
            var dst = target.Slice(c * plane, plane);
            for (var i = 0; i < plane; i++) dst[i] = (float)sums[i];
        }
    }

    /// <summary>The kernel's pixel offsets and unnormalised weights: each Gaussian tap split bilinearly.</summary>
    public static IReadOnlyList<(int Dy, int Dx, double Weight)> Taps(double angle, int radius, double sigma)
    {
        var taps = new List<(int, int, double)>(4 * (radius + 1));
        var (sin, cos) = Math.SinCos(angle);
        for (var d = 0; d <= radius; d++)
        {
            var g = Math.Exp(-(double)d * d / (2 * sigma * sigma));
            var ty = -d * sin;
            var tx = d * cos;
            var y0 = Math.Floor(ty);
            var x0 = Math.Floor(tx);
            var fy = ty - y0;
            var fx = tx - x0;
            Add(taps, (int)y0, (int)x0, g * (1 - fy) * (1 - fx));
            Add(taps, (int)y0, (int)x0 + 1, g * (1 - fy) * fx);
            Add(taps, (int)y0 + 1, (int)x0, g * fy * (1 - fx));
            Add(taps, (int)y0 + 1, (int)x0 + 1, g * fy * fx);
        }
        return taps;
    }

    // A zero weight would still count its target as in bounds for nothing; leaving it out keeps exact
    // taps (θ = 0) to one entry each.
    private static void Add(List<(int, int, double)> taps, int dy, int dx, double weight)
    {
        if (weight > 0) taps.Add((dy, dx, weight));
    }

    private static bool Inside(int y, int x, int height, int width) => (uint)y < (uint)height && (uint)x < (uint)width;
}
