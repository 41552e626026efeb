using OrleansSweeps.Engine.Storage;

namespace OrleansSweeps.Engine.Training;

/// <summary>Where a run keeps its checkpoints.</summary>
public interface ICheckpointStore
{
    /// <summary>The newest checkpoint that verifies, skipping (and reporting) corrupt ones; null when none.</summary>
    Checkpoint? LoadLatest();

    void Save(Checkpoint checkpoint);
}

/// <summary>
/// Checkpoints as files <c>{step:D9}.ckpt</c> in one directory, written atomically. The newest
/// <see cref="Keep"/> are kept so a corrupt newest one can fall back to its predecessor.
/// </summary>
public sealed class DirectoryCheckpointStore(string directory, Action<string>? warn = null) : ICheckpointStore
{
    /// <summary>Checkpoints kept per run (default 2: the newest and one to fall back to).</summary>
    public int Keep { get; init; } = 2;

    public Checkpoint? LoadLatest()
    {
        foreach (var path in Files().Reverse())
        {
            try
            {
                return Checkpoint.Deserialize(File.ReadAllBytes(path), path);
            }
            catch (InvalidDataException e)
            {
                warn?.Invoke($"skipping corrupt checkpoint: {e.Message}");
            }
        }
        return null;
    }

    public void Save(Checkpoint checkpoint)
    {
        AtomicFile.WriteAllBytes(Path.Combine(directory, $"{checkpoint.Step:D9}.ckpt"), checkpoint.Serialize());
        foreach (var old in Files().SkipLast(Keep)) File.Delete(old);
    }

    private IEnumerable<string> Files() =>
        Directory.Exists(directory)
            ? Directory.GetFiles(directory, "*.ckpt").Order(StringComparer.Ordinal)
            : [];
}
