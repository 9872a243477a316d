namespace MlOps.ServiceDefaults.Messaging;

/// <summary>
/// A message no retry can fix (a result for an unknown batch, a malformed message): it goes to the endpoint's error
/// queue at once, with this exception's message as the reason.
/// </summary>
public class PermanentException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// State the consumer relied on changed under it (another message of the same key won a race): trying again sees the
/// new state. Retried like any transient fault.
/// </summary>
public sealed class ConflictException(string message) : Exception(message);
