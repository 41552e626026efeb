using System.Runtime.InteropServices;

namespace OrleansSweeps.Silo.Storage;

/// <summary>Whether this process may write somewhere, asked of the kernel (access(2)): a read-only mount or mode, for any user.</summary>
internal static partial class Writable
{
    private const int WriteOk = 2;

    public static bool Directory(string path) => Access(path, WriteOk) == 0;

    [LibraryImport("libc", EntryPoint = "access", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Access(string path, int mode);
}
