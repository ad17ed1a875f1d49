namespace Fluo.Hosting.ApplicationModel;

/// <summary>
/// One environment variable of a project: a literal, a parameter's value, a resource's connection string
/// or a project's endpoint URLs, resolved at run time and written as an expression into the manifest.
/// </summary>
/// <param name="Name">The variable name.</param>
/// <param name="Kind">What the value comes from.</param>
/// <param name="Literal">The literal value, for <see cref="EnvironmentValueKind.Literal"/>.</param>
/// <param name="Source">The resource the value comes from, for the other kinds.</param>
/// <param name="Index">For endpoint URLs: which replica's URL (<c>services__x__http__&lt;index&gt;</c>).</param>
public sealed record EnvironmentEntry(string Name, EnvironmentValueKind Kind, string? Literal = null, IResource? Source = null, int Index = 0);

/// <summary>What an <see cref="EnvironmentEntry"/>'s value comes from.</summary>
public enum EnvironmentValueKind
{
    /// <summary>A fixed string.</summary>
    Literal,

    /// <summary>A parameter's value.</summary>
    Parameter,

    /// <summary>A resource's connection string.</summary>
    ConnectionString,

    /// <summary>A project's HTTP endpoint URL.</summary>
    EndpointUrl,
}
