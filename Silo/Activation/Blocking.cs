namespace OrleansSweeps.Silo.Activation;

/// <summary>
/// Grains run on slot threads and call their ports synchronously; the embedded adapters (SQLite, files)
/// return completed tasks, so waiting on them here blocks nothing and deadlocks nothing (no
/// synchronization context on slot threads).
/// </summary>
public static class Blocking
{
    public static T Wait<T>(Task<T> task) => task.GetAwaiter().GetResult();

    public static void Wait(Task task) => task.GetAwaiter().GetResult();
}
