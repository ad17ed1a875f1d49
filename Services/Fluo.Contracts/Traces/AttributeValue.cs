using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fluo.Contracts.Traces;

/// <summary>The kind of value an <see cref="AttributeValue"/> holds.</summary>
public enum AttributeKind
{
    /// <summary>Text (OTLP arrays and maps are kept as their JSON text).</summary>
    Text,

    /// <summary>A number (OTLP int and double values).</summary>
    Number,

    /// <summary>A boolean.</summary>
    Bool,
}

/// <summary>
/// A span attribute value: a string, a number or a boolean. Serialised as the bare JSON value, so the compact
/// Fluo JSON reads <c>"attributes": {"http.status_code": 503, "db.system": "postgresql"}</c>.
/// </summary>
[JsonConverter(typeof(AttributeValueJsonConverter))]
public readonly record struct AttributeValue
{
    private AttributeValue(AttributeKind kind, string? text, double number, bool flag)
    {
        Kind = kind;
        Text = text;
        Number = number;
        Bool = flag;
    }

    /// <summary>What the value holds.</summary>
    public AttributeKind Kind { get; }

    /// <summary>The string, when <see cref="Kind"/> is <see cref="AttributeKind.Text"/>.</summary>
    public string? Text { get; }

    /// <summary>The number, when <see cref="Kind"/> is <see cref="AttributeKind.Number"/>.</summary>
    public double Number { get; }

    /// <summary>The boolean, when <see cref="Kind"/> is <see cref="AttributeKind.Bool"/>.</summary>
    public bool Bool { get; }

    /// <summary>A string value.</summary>
    public static AttributeValue FromString(string value) => new(AttributeKind.Text, value ?? throw new ArgumentNullException(nameof(value)), 0, false);

    /// <summary>A number value.</summary>
    public static AttributeValue FromNumber(double value) => new(AttributeKind.Number, null, value, false);

    /// <summary>A boolean value.</summary>
    public static AttributeValue FromBool(bool value) => new(AttributeKind.Bool, null, 0, value);

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        AttributeKind.Number => Number.ToString(CultureInfo.InvariantCulture),
        AttributeKind.Bool => Bool ? "true" : "false",
        _ => Text ?? string.Empty,
    };
}

/// <summary>Reads and writes an <see cref="AttributeValue"/> as a bare JSON string, number or boolean.</summary>
public sealed class AttributeValueJsonConverter : JsonConverter<AttributeValue>
{
    /// <inheritdoc />
    public override AttributeValue Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.String => AttributeValue.FromString(reader.GetString()!),
        JsonTokenType.Number => AttributeValue.FromNumber(reader.GetDouble()),
        JsonTokenType.True => AttributeValue.FromBool(true),
        JsonTokenType.False => AttributeValue.FromBool(false),
        _ => throw new JsonException("An attribute value must be a string, a number or a boolean."),
    };

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, AttributeValue value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        switch (value.Kind)
        {
            case AttributeKind.Number: writer.WriteNumberValue(value.Number); break;
            case AttributeKind.Bool: writer.WriteBooleanValue(value.Bool); break;
            default: writer.WriteStringValue(value.Text); break;
        }
    }
}
