namespace MlOps.Cli.Platform;

/// <summary>A platform call that failed: the service could not be reached, or it answered with an error (the message says which and why).</summary>
public sealed class PlatformException(string message, int? status = null) : Exception(message)
{
    /// <summary>The HTTP status the service answered with, or null when it was not reached.</summary>
    public int? Status { get; } = status;
}
