namespace Fluo.Hosting.ApplicationModel;

/// <summary>
/// A value supplied from configuration (<c>Parameters:&lt;name&gt;</c>), given in code, or generated once and
/// persisted in the application's state folder, as Aspire keeps generated parameters in user secrets.
/// </summary>
public sealed class ParameterResource(string name, bool secret, string? value = null, ParameterGeneration? generate = null) : IResource
{
    /// <inheritdoc />
    public string Name { get; } = name;

    /// <summary>True when the value is a secret (shown masked, marked secret in the manifest).</summary>
    public bool Secret { get; } = secret;

    /// <summary>A value fixed in code, used when configuration has none.</summary>
    public string? Value { get; } = value;

    /// <summary>How to generate the value when nothing supplies it; null means it must be supplied.</summary>
    public ParameterGeneration? Generate { get; } = generate;
}

/// <summary>The generate rule of a parameter, as in the manifest's <c>default.generate</c>.</summary>
/// <param name="MinLength">Length of the generated value.</param>
/// <param name="Special">Whether special characters may appear.</param>
public sealed record ParameterGeneration(int MinLength = 22, bool Special = false);
