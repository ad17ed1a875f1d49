using System.Security.Cryptography;
using System.Text.Json;
using Fluo.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;

namespace Fluo.Hosting.Orchestration;

/// <summary>
/// Resolves parameter values: configuration <c>Parameters:&lt;name&gt;</c>, then the value given in code, then a
/// generated value persisted in <c>&lt;state&gt;/parameters.json</c> (as Aspire keeps them in user secrets).
/// </summary>
internal static class ParameterStore
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private const string Specials = "-_.~!*";
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Dictionary<ParameterResource, string> Resolve(IEnumerable<ParameterResource> parameters, IConfiguration configuration, string stateDirectory, bool fresh)
    {
        var file = Path.Combine(stateDirectory, "parameters.json");
        var stored = !fresh && File.Exists(file)
            ? JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(file)) ?? []
            : [];
        var changed = false;
        var values = new Dictionary<ParameterResource, string>();
        var missing = new List<string>();
        foreach (var parameter in parameters)
        {
            if (configuration[$"Parameters:{parameter.Name}"] is { } configured)
            {
                values[parameter] = configured;
            }
            else if (parameter.Value is { } value)
            {
                values[parameter] = value;
            }
            else if (stored.TryGetValue(parameter.Name, out var persisted))
            {
                values[parameter] = persisted;
            }
            else if (parameter.Generate is { } generate)
            {
                values[parameter] = stored[parameter.Name] = Generate(generate);
                changed = true;
            }
            else
            {
                missing.Add($"Parameter '{parameter.Name}' has no value: set configuration 'Parameters:{parameter.Name}' (e.g. environment variable Parameters__{parameter.Name}).");
            }
        }

        if (missing.Count > 0)
        {
            throw new DistributedApplicationException(string.Join(Environment.NewLine, missing));
        }

        if (changed)
        {
            Directory.CreateDirectory(stateDirectory);
            File.WriteAllText(file, JsonSerializer.Serialize(stored, Indented));
            UnixFiles.MakePrivate(file);
        }

        return values;
    }

    private static string Generate(ParameterGeneration generate)
    {
        var alphabet = generate.Special ? Alphabet + Specials : Alphabet;
        return RandomNumberGenerator.GetString(alphabet, Math.Max(generate.MinLength, 1));
    }
}
