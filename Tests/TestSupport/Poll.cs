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

    /// <summary>Waits until <paramref name="probe"/> returns a value and returns it.</summary>
    public static T Until<T>(Func<T?> probe, TimeSpan timeout, string awaited) where T : struct
    {
        T? value = null;
        Until(() => (value = probe()) is not null, timeout, awaited);
        return value!.Value;
    }
}
