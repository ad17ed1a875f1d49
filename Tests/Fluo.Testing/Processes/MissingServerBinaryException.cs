namespace Fluo.Testing.Processes;

/// <summary>Thrown when a server binary a fixture needs is not installed.</summary>
public sealed class MissingServerBinaryException(string message) : Exception(message);
