using Microsoft.Extensions.Hosting;

namespace OrleansSweeps.Silo.Hosting;

/// <summary>
/// Instead of the generic host's console lifetime, for hosts inside the console: the console owns SIGINT and SIGTERM
/// (its verbs' cancellation drains and exits 130). A console lifetime would also stop the host on the signal, racing
/// the verb's own drain and turning an interrupted sweep into one that reports as if it had ended.
/// </summary>
public sealed class NoSignalLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
