namespace Fluo.Processes;

/// <summary>Thrown when a server binary is not installed; the message names the setting and the Debian package.</summary>
public sealed class MissingServerBinaryException(string message) : Exception(message);
