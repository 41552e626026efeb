using OrleansSweeps.Client.Reports.Plotting;

namespace OrleansSweeps.Tests.Client.Reports;

/// <summary>
/// The report renders in a real browser: headless Chromium screenshots the whole page, and the screenshot is neither
/// blank nor missing the series colours of the figures (each figure on its own: <see cref="FigureRenderTests"/>).
/// </summary>
[Collection(ReportedSweepCollection.Name)]
public sealed class ReportRenderTests(ReportedSweep sweep)
{
    private const int Width = 1200;
    private const int Height = 6000; // the whole page of the test sweep
    private const int ColourTolerance = 12;
    private const int MinSeriesPixels = 200;

    [Fact]
    public async Task Headless_chromium_draws_the_figures()
    {
        Assert.True(sweep.Report.ExitCode == 0, sweep.Report.Stderr);
        var image = await HeadlessChromium.Screenshot(sweep.Page, Width, Height);
        Assert.Equal((255, 255, 255), ((int, int, int))image[0, 0]); // the page background
        // One pass over the screenshot: pixels not (nearly) white, and pixels of each of the first three series colours
        // (points p0000..p0002 are drawn in them: markers and lines).
        var colours = Palette.Colors.Take(3).Select(c => (Hex: c, R: Convert.ToInt32(c[1..3], 16), G: Convert.ToInt32(c[3..5], 16), B: Convert.ToInt32(c[5..7], 16))).ToArray();
        var counts = new int[colours.Length];
        var inked = 0;
        for (var y = 0; y < image.Height; y++)
        {
            for (var x = 0; x < image.Width; x++)
            {
                var (r, g, b) = image[x, y];
                if (r < 235 || g < 235 || b < 235) inked++;
                for (var i = 0; i < colours.Length; i++)
                {
                    if (Math.Abs(r - colours[i].R) <= ColourTolerance && Math.Abs(g - colours[i].G) <= ColourTolerance && Math.Abs(b - colours[i].B) <= ColourTolerance)
                        counts[i]++;
                }
            }
        }
        var total = image.Width * image.Height;
        Assert.True(inked > total / 100, $"only {inked} of {total} pixels are not white: the page looks blank");
        for (var i = 0; i < colours.Length; i++) Assert.True(counts[i] >= MinSeriesPixels, $"series colour {colours[i].Hex}: {counts[i]} pixels");
    }
}
