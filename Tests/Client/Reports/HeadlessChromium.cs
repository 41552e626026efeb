using System.Diagnostics;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Client.Reports;

/// <summary>
/// Screenshots a page with headless Chromium. Chromium is a required test dependency (scripts/setup.sh installs it);
/// without it the tests that need it fail and say so.
/// </summary>
internal static class HeadlessChromium
{
    /// <summary>Renders <paramref name="page"/> in a window of the given size; returns the screenshot.</summary>
    public static async Task<PngImage> Screenshot(string page, int width, int height)
    {
        var browser = Find() ?? throw new InvalidOperationException("chromium is not installed: run scripts/setup.sh (apt-get install chromium)");
        using var profile = new TempDirectory();
        var shot = profile.Combine("page.png");
        var start = new ProcessStartInfo(browser) { RedirectStandardOutput = true, RedirectStandardError = true };
        // As root Chromium needs --no-sandbox; a private profile keeps parallel runs apart.
        foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", $"--user-data-dir={profile.Combine("profile")}",
                     $"--screenshot={shot}", $"--window-size={width},{height}", new Uri(page).AbsoluteUri })
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
        Assert.Equal((width, height), (image.Width, image.Height));
        return image;
    }

    private static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(dir => new[] { "chromium", "chromium-browser" }.Select(name => Path.Combine(dir, name)))
            .FirstOrDefault(File.Exists);
}
