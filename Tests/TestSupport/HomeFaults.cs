using System.Diagnostics;

namespace OrleansSweeps.Tests.TestSupport;

/// <summary>
/// Ways to make a home fail under a running sweep although the tests run as root, which ignores permission
/// bits: a size-limited tmpfs mounted on the home (then filled up), and an unprivileged user that runs the
/// console on a home it owns (then made read-only). Where a mechanism is unavailable the test fails and says
/// what to install or allow; nothing is skipped.
/// </summary>
public static class HomeFaults
{
    /// <summary>The system user <c>scripts/postgres-local.sh</c> runs PostgreSQL as; created here when missing.</summary>
    public const string UnprivilegedUser = "sweeps-pg";

    /// <summary>Mounts a tmpfs of <paramref name="size"/> (e.g. <c>64m</c>) on <paramref name="directory"/>; unmounted on dispose.</summary>
    public static IDisposable MountTmpfs(string directory, string size)
    {
        RequireRoot("mount a size-limited tmpfs");
        var (code, output) = Run("mount", "-t", "tmpfs", "-o", $"size={size},mode=0755", "sweeps-test", directory);
        if (code != 0)
            Assert.Fail($"cannot mount a {size} tmpfs on '{directory}' ({output.Trim()}): this test needs root with CAP_SYS_ADMIN " +
                "(a VM, or a container started with --cap-add SYS_ADMIN) and util-linux's mount");
        return new Unmount(directory);
    }

    /// <summary>Writes zeros to a new file at <paramref name="path"/> until its filesystem has no byte left.</summary>
    public static void FillUp(string path)
    {
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
        foreach (var size in new[] { 1 << 20, 1 << 12, 1 })
        {
            var chunk = new byte[size];
            try
            {
                while (true) stream.Write(chunk);
            }
            catch (IOException)
            {
                // Full for this chunk size; smaller ones take what is left.
            }
        }
    }

    /// <summary>
    /// Makes sure <see cref="UnprivilegedUser"/> exists and can run the console from the test binaries, and gives it
    /// <paramref name="directory"/> (recursively).
    /// </summary>
    public static string UnprivilegedOwnerOf(string directory)
    {
        RequireRoot("run the console as an unprivileged user");
        if (Run("getent", "passwd", UnprivilegedUser).ExitCode != 0)
        {
            var (code, output) = Run("useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", UnprivilegedUser);
            // Another test process may have created it meanwhile.
            if (code != 0 && Run("getent", "passwd", UnprivilegedUser).ExitCode != 0)
                Assert.Fail($"cannot create the system user '{UnprivilegedUser}' ({output.Trim()}): install passwd (useradd) or create the user");
        }
        var probe = Run("runuser", "-u", UnprivilegedUser, "--", "dotnet", Path.Combine(AppContext.BaseDirectory, "sweeps.dll"), "--help");
        if (probe.ExitCode != 0)
            Assert.Fail($"user '{UnprivilegedUser}' cannot run 'dotnet {Path.Combine(AppContext.BaseDirectory, "sweeps.dll")}' ({probe.Output.Trim()}): " +
                "the .NET install and the test binaries must be readable, and their parent directories searchable, by other users (util-linux's runuser is needed too)");
        Require(Run("chown", "-R", UnprivilegedUser, directory), $"chown -R {UnprivilegedUser} {directory}");
        return UnprivilegedUser;
    }

    /// <summary><c>chmod -R</c> with <paramref name="mode"/> (e.g. <c>a-w</c>) on <paramref name="directory"/>.</summary>
    public static void ChangeMode(string directory, string mode) => Require(Run("chmod", "-R", mode, directory), $"chmod -R {mode} {directory}");

    private static void RequireRoot(string what)
    {
        if (!Environment.IsPrivilegedProcess) Assert.Fail($"this test must run as root to {what} (CI runs the tests as root)");
    }

    private static void Require((int ExitCode, string Output) result, string what)
    {
        if (result.ExitCode != 0) Assert.Fail($"{what} failed: {result.Output.Trim()}");
    }

    private static (int ExitCode, string Output) Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        try
        {
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, stdout.Result + stderr);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, $"{file}: {e.Message}");
        }
    }

    private sealed class Unmount(string directory) : IDisposable
    {
        public void Dispose()
        {
            // Lazily if something still holds a file there: the mount must not outlive the test.
            if (Run("umount", directory).ExitCode != 0) Run("umount", "-l", directory);
        }
    }
}
