using System.Net.Sockets;
using Azure;
using Azure.Identity;
using OrleansSweeps.Silo.Storage;

namespace OrleansSweeps.Silo.Blobs.Azure;

/// <summary>
/// Turns what the SDK throws once its retries are spent into one line that says where (account, endpoint,
/// container), what (the operation) and why, with a hint for the credential in use. The SDK's own messages
/// span many lines and quote request headers, so none of their text is passed on, only status, error code and
/// the socket's reason.
/// </summary>
internal sealed class AzureBlobFailures(AzureBlobAccess access, AzureBlobStoreOptions options)
{
    /// <summary>The service's error code for a missing container (a missing blob is 404 with BlobNotFound).</summary>
    public const string ContainerNotFound = "ContainerNotFound";

    /// <summary>"Azure blob store account '…' at …, container '…'": the start of every message.</summary>
    public string Where { get; } = $"Azure blob store {access}";

    /// <summary>Whether the SDK raised <paramref name="error"/> for the service, the network or the credential (not a bug of ours).</summary>
    public static bool Covers(Exception error) => error is RequestFailedException or AggregateException or AuthenticationFailedException;

    /// <summary>A 404 that is not about the container: the blob is not there.</summary>
    public static bool IsMissingBlob(RequestFailedException error) => error.Status == 404 && error.ErrorCode != ContainerNotFound;

    public StorageUnavailableException From(Exception error, string what) => new(error switch
    {
        AuthenticationFailedException => $"{Where}: {what}: no Microsoft Entra token from {access.Source} ({IdentityHint})",
        RequestFailedException { Status: 403 } refused => $"{Where}: {what}: authentication failed ({Answer(refused)}); {CredentialHint(refused.ErrorCode)}",
        RequestFailedException { ErrorCode: ContainerNotFound } => $"{Where}: the container does not exist",
        RequestFailedException { Status: 408 or 429 or >= 500 } busy => $"{Where}: {what}: no success after {options.MaxRetries + 1} attempts ({Answer(busy)})",
        RequestFailedException { Status: 0 } lost => $"{Where}: {what}: no success after {options.MaxRetries + 1} attempts ({Reason(lost)})",
        RequestFailedException other => $"{Where}: {what}: unexpected answer {Answer(other)}",
        AggregateException attempts => $"{Where}: {what}: no success after {attempts.InnerExceptions.Count} attempts ({Reason(attempts.InnerExceptions[^1])})",
        _ => $"{Where}: {what}: {error.GetType().Name}",
    }, error);

    private const string IdentityHint = "sign in with `az login`, run with a workload or managed identity, or set "
        + AzureBlobAccess.ConnectionVariable + " to a connection string";

    private string CredentialHint(string? code) => access.Credential switch
    {
        AzureBlobCredential.Sas when access.SasExpiry is { } expiry && expiry <= DateTimeOffset.UtcNow =>
            $"the SAS expired at {expiry.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z",
        AzureBlobCredential.Sas => "check the SAS's permissions (read, add, create, write, delete, list), start and expiry",
        AzureBlobCredential.AzureIdentity when code == "AuthorizationPermissionMismatch" =>
            "the identity needs a data role on the container, such as Storage Blob Data Contributor",
        AzureBlobCredential.AzureIdentity => "the identity's token was refused",
        _ => $"check AccountName and AccountKey (or the SAS) in {access.Source}",
    };

    /// <summary>"403 AuthenticationFailed": the status and the service's error code, when it sent one.</summary>
    private static string Answer(RequestFailedException error) =>
        string.IsNullOrEmpty(error.ErrorCode) ? $"{error.Status}" : $"{error.Status} {error.ErrorCode}";

    /// <summary>The innermost socket error when there is one ("Connection refused"), a timeout as such, else the innermost message's first line.</summary>
    private string Reason(Exception error)
    {
        var innermost = error;
        for (var inner = error; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException socket) return socket.Message;
            if (inner is TaskCanceledException or TimeoutException) return $"no answer within {options.NetworkTimeout.TotalSeconds:F0} s";
            innermost = inner;
        }
        return innermost.Message.Split('\n', 2)[0].Trim();
    }
}
