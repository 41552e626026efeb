using System.Diagnostics;
using System.Security.Cryptography;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Engine;

/// <summary>
/// scripts/glibcxx-weak.sh on a copy of the libLibTorchSharp.so the build put beside the tests: one flag byte on
/// a libstdc++ without GLIBCXX_3.4.32, nothing on a second run, nothing where the libstdc++ has the version.
/// </summary>
public sealed class GlibcxxWeakScriptTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("glibcxx-weak-").FullName;

    private static string Shipped => Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    [Fact]
    public void Marks_the_need_weak_once_and_a_second_run_changes_nothing()
    {
        var library = CopyOfPackageLibrary();
        var oldStdcxx = Path.Combine(_dir, "libstdc++-old.so");
        File.WriteAllText(oldStdcxx, "GLIBCXX_3.4.29 GLIBCXX_3.4.30");  // Debian 12's newest version
        var original = File.ReadAllBytes(library);

        var first = Run(library, oldStdcxx);
        var patched = File.ReadAllBytes(library);
        Assert.Contains("marked GLIBCXX_3.4.32 weak", first, StringComparison.Ordinal);
        Assert.Equal(original.Length, patched.Length);
        Assert.Equal(1, original.Zip(patched).Count(p => p.First != p.Second));
        Assert.Contains("Flags: WEAK", Readelf(library).Single(l => l.Contains("GLIBCXX_3.4.32", StringComparison.Ordinal) && l.Contains("Name:", StringComparison.Ordinal)), StringComparison.Ordinal);

        var second = Run(library, oldStdcxx);
        Assert.Contains("already marks GLIBCXX_3.4.32 weak", second, StringComparison.Ordinal);
        Assert.Equal(SHA256.HashData(patched), SHA256.HashData(File.ReadAllBytes(library)));
    }

    [Fact]
    public void Leaves_the_library_alone_where_libstdcxx_has_the_version()
    {
        var library = CopyOfPackageLibrary();
        var newStdcxx = Path.Combine(_dir, "libstdc++-new.so");
        File.WriteAllText(newStdcxx, "GLIBCXX_3.4.30 GLIBCXX_3.4.32");  // GCC 13+ (Ubuntu 24.04, Debian 13)
        var before = SHA256.HashData(File.ReadAllBytes(library));
        Assert.Contains("left as it is", Run(library, newStdcxx), StringComparison.Ordinal);
        Assert.Equal(before, SHA256.HashData(File.ReadAllBytes(library)));
    }

    /// <summary>The package's library as NuGet ships it: the build's copy with the flag byte set back.</summary>
    private string CopyOfPackageLibrary()
    {
        var copy = Path.Combine(_dir, "libLibTorchSharp.so");
        File.Copy(Shipped, copy, overwrite: true);
        var line = Readelf(copy).Single(l => l.Contains("Name: GLIBCXX_3.4.32", StringComparison.Ordinal));
        if (!line.Contains("WEAK", StringComparison.Ordinal)) return copy;
        var section = Readelf(copy).SkipWhile(l => !l.StartsWith("Version needs", StringComparison.Ordinal)).Skip(1).First();
        var offset = Convert.ToInt64(section.Split("Offset:")[1].Trim().Split(' ')[0], 16);
        var entry = Convert.ToInt64(line.Trim().Split(':')[0], 16);
        using var file = File.OpenWrite(copy);
        file.Position = offset + entry + 4;
        file.WriteByte(0);
        return copy;
    }

    private static string Run(string library, string stdcxx) =>
        Process(Path.Combine(RepoPaths.Root, "scripts", "glibcxx-weak.sh"), library, stdcxx);

    private static string[] Readelf(string library) => Process("readelf", "-V", "--wide", library).Split('\n');

    private static string Process(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{file} exited {process.ExitCode}: {output}");
        return output;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
