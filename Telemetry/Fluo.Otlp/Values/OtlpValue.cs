using System.Buffers;
using System.Globalization;
using System.Text.Json;
using OpenTelemetry.Proto.Common.V1;

namespace Fluo.Otlp.Values;

/// <summary>An OTLP attribute value, typed: string, long, double or bool; arrays and maps are kept as JSON text.</summary>
public readonly record struct OtlpValue
{
    private OtlpValue(OtlpValueKind kind, string? text, long integer, double number, bool flag)
    {
        Kind = kind;
        StringValue = text;
        IntValue = integer;
        DoubleValue = number;
        BoolValue = flag;
    }

    /// <summary>What the value holds.</summary>
    public OtlpValueKind Kind { get; }

    /// <summary>The text, when <see cref="Kind"/> is <see cref="OtlpValueKind.StringValue"/>.</summary>
    public string? StringValue { get; }

    /// <summary>The integer, when <see cref="Kind"/> is <see cref="OtlpValueKind.IntValue"/>.</summary>
    public long IntValue { get; }

    /// <summary>The double, when <see cref="Kind"/> is <see cref="OtlpValueKind.DoubleValue"/>.</summary>
    public double DoubleValue { get; }

    /// <summary>The boolean, when <see cref="Kind"/> is <see cref="OtlpValueKind.BoolValue"/>.</summary>
    public bool BoolValue { get; }

    /// <summary>A string value.</summary>
    public static OtlpValue FromString(string value) => new(OtlpValueKind.StringValue, value ?? throw new ArgumentNullException(nameof(value)), 0, 0, false);

    /// <summary>An integer value.</summary>
    public static OtlpValue FromInt(long value) => new(OtlpValueKind.IntValue, null, value, 0, false);

    /// <summary>A double value.</summary>
    public static OtlpValue FromDouble(double value) => new(OtlpValueKind.DoubleValue, null, 0, value, false);

    /// <summary>A boolean value.</summary>
    public static OtlpValue FromBool(bool value) => new(OtlpValueKind.BoolValue, null, 0, 0, value);

    /// <summary>Reads an OTLP <see cref="AnyValue"/>; a missing or empty one is the empty string.</summary>
    public static OtlpValue From(AnyValue? value) => value?.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => FromString(value.StringValue),
        AnyValue.ValueOneofCase.IntValue => FromInt(value.IntValue),
        AnyValue.ValueOneofCase.DoubleValue => FromDouble(value.DoubleValue),
        AnyValue.ValueOneofCase.BoolValue => FromBool(value.BoolValue),
        AnyValue.ValueOneofCase.BytesValue => FromString(Convert.ToBase64String(value.BytesValue.Span)),
        AnyValue.ValueOneofCase.ArrayValue or AnyValue.ValueOneofCase.KvlistValue => FromString(ToJson(value)),
        _ => FromString(string.Empty),
    };

    /// <summary>The value as text (invariant culture; booleans as <c>true</c>/<c>false</c>).</summary>
    public override string ToString() => Kind switch
    {
        OtlpValueKind.IntValue => IntValue.ToString(CultureInfo.InvariantCulture),
        OtlpValueKind.DoubleValue => DoubleValue.ToString(CultureInfo.InvariantCulture),
        OtlpValueKind.BoolValue => BoolValue ? "true" : "false",
        _ => StringValue ?? string.Empty,
    };

    private static string ToJson(AnyValue value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            Write(writer, value);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void Write(Utf8JsonWriter writer, AnyValue? value)
    {
        switch (value?.ValueCase)
        {
            case AnyValue.ValueOneofCase.StringValue: writer.WriteStringValue(value.StringValue); break;
            case AnyValue.ValueOneofCase.IntValue: writer.WriteNumberValue(value.IntValue); break;
            case AnyValue.ValueOneofCase.DoubleValue when double.IsFinite(value.DoubleValue): writer.WriteNumberValue(value.DoubleValue); break;
            case AnyValue.ValueOneofCase.DoubleValue: writer.WriteStringValue(value.DoubleValue.ToString(CultureInfo.InvariantCulture)); break;
            case AnyValue.ValueOneofCase.BoolValue: writer.WriteBooleanValue(value.BoolValue); break;
            case AnyValue.ValueOneofCase.BytesValue: writer.WriteBase64StringValue(value.BytesValue.Span); break;
            case AnyValue.ValueOneofCase.ArrayValue:
                writer.WriteStartArray();
                foreach (var item in value.ArrayValue.Values)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case AnyValue.ValueOneofCase.KvlistValue:
                writer.WriteStartObject();
                foreach (var pair in value.KvlistValue.Values)
                {
                    writer.WritePropertyName(pair.Key);
                    Write(writer, pair.Value);
                }

                writer.WriteEndObject();
                break;
            default: writer.WriteNullValue(); break;
        }
    }
}
