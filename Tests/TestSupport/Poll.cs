using System.Diagnostics;

namespace OrleansSweeps.Tests.TestSupport;

/// <summary>Waits on a condition with a timeout and a message saying what was awaited (never a bare sleep).</summary>
public static class Poll
{
    public static void Until(Func<bool> condition, TimeSpan timeout, string awaited)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout) throw new TimeoutException($"timed out after {timeout.TotalSeconds:F0} s waiting for {awaited}");
            Thread.Sleep(20);
        }
    }
}
