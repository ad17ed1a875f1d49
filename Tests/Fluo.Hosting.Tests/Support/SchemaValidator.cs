using System.Text.Json;

namespace Fluo.Hosting.Tests.Support;

/// <summary>
/// A JSON Schema (draft-07) validator for the keywords the Aspire manifest schema uses: $ref to definitions,
/// type, properties, required, additionalProperties, items, enum, const, oneOf, anyOf, allOf, not.
/// Written by hand because JsonSchema.Net does not restore from the feed (its JsonPointer.Net and
/// Json.More.Net dependencies are missing).
/// </summary>
internal sealed class SchemaValidator(JsonElement root)
{
    public List<string> Validate(JsonElement instance)
    {
        var errors = new List<string>();
        Check(root, instance, "$", errors);
        return errors;
    }

    private void Check(JsonElement schema, JsonElement value, string path, List<string> errors)
    {
        if (schema.ValueKind == JsonValueKind.True)
        {
            return;
        }

        if (schema.ValueKind == JsonValueKind.False)
        {
            errors.Add($"{path}: not allowed");
            return;
        }

        foreach (var keyword in schema.EnumerateObject())
        {
            switch (keyword.Name)
            {
                case "$ref":
                    Check(Resolve(keyword.Value.GetString()!), value, path, errors);
                    break;
                case "type":
                    var types = keyword.Value.ValueKind == JsonValueKind.Array
                        ? keyword.Value.EnumerateArray().Select(t => t.GetString()!).ToList()
                        : [keyword.Value.GetString()!];
                    if (!types.Any(t => HasType(value, t)))
                    {
                        errors.Add($"{path}: expected {string.Join("|", types)}, got {value.ValueKind}");
                    }

                    break;
                case "properties" when value.ValueKind == JsonValueKind.Object:
                    foreach (var property in keyword.Value.EnumerateObject())
                    {
                        if (value.TryGetProperty(property.Name, out var child))
                        {
                            Check(property.Value, child, $"{path}.{property.Name}", errors);
                        }
                    }

                    break;
                case "required" when value.ValueKind == JsonValueKind.Object:
                    foreach (var name in keyword.Value.EnumerateArray().Select(n => n.GetString()!))
                    {
                        if (!value.TryGetProperty(name, out _))
                        {
                            errors.Add($"{path}: missing required '{name}'");
                        }
                    }

                    break;
                case "additionalProperties" when value.ValueKind == JsonValueKind.Object:
                    var declared = schema.TryGetProperty("properties", out var props)
                        ? props.EnumerateObject().Select(p => p.Name).ToHashSet()
                        : [];
                    foreach (var property in value.EnumerateObject().Where(p => !declared.Contains(p.Name)))
                    {
                        Check(keyword.Value, property.Value, $"{path}.{property.Name}", errors);
                    }

                    break;
                case "items" when value.ValueKind == JsonValueKind.Array:
                    var index = 0;
                    foreach (var item in value.EnumerateArray())
                    {
                        Check(keyword.Value, item, $"{path}[{index++}]", errors);
                    }

                    break;
                case "enum":
                    if (!keyword.Value.EnumerateArray().Any(e => JsonElement.DeepEquals(e, value)))
                    {
                        errors.Add($"{path}: {value} is not one of {keyword.Value}");
                    }

                    break;
                case "const":
                    if (!JsonElement.DeepEquals(keyword.Value, value))
                    {
                        errors.Add($"{path}: expected {keyword.Value}, got {value}");
                    }

                    break;
                case "oneOf":
                    var matches = keyword.Value.EnumerateArray().Count(s => Validates(s, value, path));
                    if (matches != 1)
                    {
                        errors.Add($"{path}: matches {matches} of oneOf, expected exactly 1");
                    }

                    break;
                case "anyOf":
                    if (!keyword.Value.EnumerateArray().Any(s => Validates(s, value, path)))
                    {
                        errors.Add($"{path}: matches none of anyOf");
                    }

                    break;
                case "allOf":
                    foreach (var sub in keyword.Value.EnumerateArray())
                    {
                        Check(sub, value, path, errors);
                    }

                    break;
                case "not":
                    if (Validates(keyword.Value, value, path))
                    {
                        errors.Add($"{path}: matches a 'not' schema");
                    }

                    break;
            }
        }
    }

    private bool Validates(JsonElement schema, JsonElement value, string path)
    {
        var errors = new List<string>();
        Check(schema, value, path, errors);
        return errors.Count == 0;
    }

    private JsonElement Resolve(string reference)
    {
        if (!reference.StartsWith("#/", StringComparison.Ordinal))
        {
            throw new NotSupportedException($"Only local $refs are supported: {reference}");
        }

        var node = root;
        foreach (var segment in reference[2..].Split('/'))
        {
            node = node.GetProperty(segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal));
        }

        return node;
    }

    private static bool HasType(JsonElement value, string type) => type switch
    {
        "object" => value.ValueKind == JsonValueKind.Object,
        "array" => value.ValueKind == JsonValueKind.Array,
        "string" => value.ValueKind == JsonValueKind.String,
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "number" => value.ValueKind == JsonValueKind.Number,
        "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
        "null" => value.ValueKind == JsonValueKind.Null,
        _ => false,
    };
}
