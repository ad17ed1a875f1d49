namespace Fluo.Processes;

/// <summary>Where a binary was found, or why it was not.</summary>
/// <param name="Path">The executable or directory, when found.</param>
/// <param name="Error">What is missing and how to install it, when not found.</param>
public readonly record struct BinaryLookup(string? Path, string? Error)
{
    /// <summary>The path; throws <see cref="MissingServerBinaryException"/> with <see cref="Error"/> when not found.</summary>
    public string PathOrThrow() => Path ?? throw new MissingServerBinaryException(Error ?? "The binary was not found.");
}
