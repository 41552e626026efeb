using System.Diagnostics;

namespace OrleansSweeps.Tests.TestSupport;

/// <summary>Runs the real <c>sweeps</c> console as a child process (isolated stdout/stderr and exit code).</summary>
public static class Cli
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static Result Run(string workingDirectory, params string[] args)
    {
        using var process = Start(workingDirectory, args);
        return Wait(process, args);
    }

    public static Result Run(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var process = Start(workingDirectory, environment, args);
        return Wait(process, args);
    }

    /// <summary>Starts <c>sweeps</c> without waiting (for tests that signal or kill it).</summary>
    public static Process Start(string workingDirectory, params string[] args) => StartAs(null, workingDirectory, args);

    /// <summary>As <see cref="Start(string, string[])"/>, with extra environment variables.</summary>
    public static Process Start(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args) =>
        StartAs(null, workingDirectory, args, environment);

    /// <summary>Runs <c>sweeps</c> as another (unprivileged) user through <c>runuser</c>; needs root.</summary>
    public static Result RunAs(string user, string workingDirectory, params string[] args)
    {
        using var process = StartAs(user, workingDirectory, args);
        return Wait(process, args);
    }

    /// <summary><see cref="Start(string, string[])"/>, as <paramref name="user"/> (through <c>runuser</c>, so as root) when not null.</summary>
    public static Process StartAs(string? user, string workingDirectory, string[] args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "sweeps.dll");
        // Through env(1), with Ctrl-C's signals at their defaults: a test run started in the background of a shell without
        // job control (as CI may be) ignores SIGINT and SIGQUIT, its children inherit that, and .NET keeps an inherited
        // SIG_IGN for them; a SIGINT sent by a test would then do nothing.
        var start = new ProcessStartInfo("env") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("--default-signal=INT,QUIT");
        if (user is not null)
        {
            foreach (var a in new[] { "runuser", "-u", user, "--" }) start.ArgumentList.Add(a);
            start.Environment["HOME"] = workingDirectory;
        }
        start.ArgumentList.Add("dotnet");
        start.ArgumentList.Add(dll);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["COLUMNS"] = "200";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        return Process.Start(start)!;
    }

    /// <summary>Sends <paramref name="signal"/> (TERM, INT, STOP, CONT, …) to the process with kill(1).</summary>
    public static void Signal(Process process, string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>The process's blocked, ignored and caught signal masks (/proc status), to tell why a signal had no effect.</summary>
    public static string SignalMasks(Process process)
    {
        try
        {
            return string.Join(" ", File.ReadLines($"/proc/{process.Id}/status").Where(l => l.StartsWith("Sig", StringComparison.Ordinal) || l.StartsWith("ShdPnd", StringComparison.Ordinal)));
        }
        catch (IOException e)
        {
            return e.Message;
        }
    }

    public static Result Wait(Process process, params string[] args) => Wait(process, TimeSpan.FromMinutes(5), args);

    /// <summary>Runs <c>sweeps</c> allowing it <paramref name="timeout"/> (whole example sweeps on a loaded 2-core CI machine).</summary>
    public static Result RunWithin(TimeSpan timeout, string workingDirectory, params string[] args)
    {
        using var process = Start(workingDirectory, args);
        return Wait(process, timeout, args);
    }

    public static Result Wait(Process process, TimeSpan timeout, params string[] args)
    {
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(TimeSpan.FromSeconds(10));
            // What the console had printed: how far the sweep got before it stopped moving.
            throw new TimeoutException($"sweeps {string.Join(' ', args)} did not exit within {timeout.TotalMinutes:F0} minutes; " +
                $"stderr ends:\n{Tail(stderr)}\nstdout ends:\n{Tail(stdout)}");
        }
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    private static string Tail(Task<string> output, int chars = 3000) =>
        output.Wait(TimeSpan.FromSeconds(5)) ? output.Result[Math.Max(0, output.Result.Length - chars)..] : "(not read)";
}
