using System.Diagnostics;
using OrleansSweeps.Client.Reports.Plotting;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Client.Reports;

/// <summary>
/// The report renders in a real browser: headless Chromium screenshots the page, and the screenshot is neither
/// blank nor missing the series colours of the figures. Chromium is a required test dependency (scripts/setup.sh
/// installs it); without it this test fails and says so.
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
        var browser = FindChromium() ?? throw new InvalidOperationException("chromium is not installed: run scripts/setup.sh (apt-get install chromium)");
        using var profile = new TempDirectory();
        var shot = profile.Combine("page.png");
        var start = new ProcessStartInfo(browser) { RedirectStandardOutput = true, RedirectStandardError = true };
        // As root Chromium needs --no-sandbox; a private profile keeps parallel runs apart.
        foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", $"--user-data-dir={profile.Combine("profile")}",
                     $"--screenshot={shot}", $"--window-size={Width},{Height}", new Uri(sweep.Page).AbsoluteUri })
            start.ArgumentList.Add(a);
        using (var process = Process.Start(start)!)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail("chromium did not finish the screenshot within 90 s");
            }
            await stdout;
            Assert.True(File.Exists(shot), $"no screenshot; chromium exited {process.ExitCode}: {await stderr}");
        }

        var image = PngImage.Read(shot);
        Assert.Equal((Width, Height), (image.Width, image.Height));
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

    private static string? FindChromium() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(dir => new[] { "chromium", "chromium-browser" }.Select(name => Path.Combine(dir, name)))
            .FirstOrDefault(File.Exists);
}
