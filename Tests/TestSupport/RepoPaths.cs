namespace OrleansSweeps.Tests.TestSupport;

/// <summary>Locations in the repository checkout the tests run from.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Examples => Path.Combine(Root, "examples");

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "OrleansSweeps.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("OrleansSweeps.sln not found above " + AppContext.BaseDirectory);
    }
}
