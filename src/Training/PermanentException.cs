namespace MlOps.Training;

/// <summary>A message no retry can fix (it names an invalid pipeline, say): it goes straight to the error queue.</summary>
public sealed class PermanentException(string message) : Exception(message);
