using Fluo.Hosting.ApplicationModel;

namespace Fluo.Hosting;

/// <summary>Parameter verbs.</summary>
public static class ParameterBuilderExtensions
{
    /// <summary>Adds a parameter read from configuration <c>Parameters:&lt;name&gt;</c>; starting fails, naming it, when it has no value.</summary>
    public static IResourceBuilder<ParameterResource> AddParameter(this IDistributedApplicationBuilder builder, string name, bool secret = false)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddResource(new ParameterResource(name, secret));
    }

    /// <summary>Adds a parameter with a value in code, which configuration <c>Parameters:&lt;name&gt;</c> overrides.</summary>
    public static IResourceBuilder<ParameterResource> AddParameter(this IDistributedApplicationBuilder builder, string name, string value, bool secret = false)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddResource(new ParameterResource(name, secret, value));
    }

    /// <summary>
    /// Adds a parameter whose value, unless configuration <c>Parameters:&lt;name&gt;</c> gives one, is generated once and
    /// kept in the state folder (Aspire's <c>GenerateParameterDefault</c>).
    /// </summary>
    public static IResourceBuilder<ParameterResource> AddParameter(this IDistributedApplicationBuilder builder, string name, ParameterGeneration generate, bool secret = false)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddResource(new ParameterResource(name, secret, generate: generate));
    }
}
