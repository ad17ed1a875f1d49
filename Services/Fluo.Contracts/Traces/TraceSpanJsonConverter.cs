using System.Buffers.Text;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fluo.Contracts.Traces;

/// <summary>
/// Reads a <see cref="TraceSpan"/> member by member into locals and calls its constructor once, with the common member
/// names, statuses and attributes read straight from the bytes. Reading spans (the Api's request bodies, the workers'
/// job payloads) was about a fifteenth of the machine's samples at full ingest load; this reads a 10-span
/// trace_analysis payload in 0.49, 0.63 and 0.87 of the time the generated metadata takes (three short runs, the
/// generated path's the noisier), with 0.85 of its allocation (<c>Fluo.Benchmarks bdn --filter '*TraceJson*'</c>, session 15). What it reads is what the generated metadata reads:
/// names matched without regard to case, numbers in strings as <see cref="JsonSerializerOptions.NumberHandling"/>
/// allows, unknown members skipped or refused as <see cref="JsonSerializerOptions.UnmappedMemberHandling"/> says, other
/// statuses and the attribute values by their own converters. Writing goes through the generated metadata. Registered
/// only where traces are read in bulk (<see cref="FluoJsonContext.Traces"/>, the Api's request bodies), so documents
/// generated from the types (OpenAPI) still show a span's members.
/// </summary>
public sealed class TraceSpanJsonConverter : JsonConverter<TraceSpan>
{
    private enum Member
    {
        Unknown,
        SpanId,
        ParentSpanId,
        Name,
        Service,
        Start,
        DurationMs,
        Status,
        Attributes,
        Duration,
    }

    private static readonly (string Name, Member Member)[] Names = [.. Enum.GetValues<Member>().Where(m => m != Member.Unknown).Select(m => (m.ToString(), m))];

    /// <inheritdoc />
    public override TraceSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"The JSON value could not be converted to {typeof(TraceSpan).FullName}.");
        }

        string? spanId = null, parentSpanId = null, name = null, service = null;
        DateTimeOffset start = default;
        double durationMs = 0;
        var status = SpanStatus.Unset;
        IReadOnlyDictionary<string, AttributeValue>? attributes = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var member = MemberOf(ref reader);
            var unknown = member == Member.Unknown ? reader.GetString() : null;
            reader.Read();
            try
            {
                switch (member)
                {
                    case Member.SpanId: spanId = reader.GetString(); break;
                    case Member.ParentSpanId: parentSpanId = reader.GetString(); break;
                    case Member.Name: name = reader.GetString(); break;
                    case Member.Service: service = reader.GetString(); break;
                    case Member.Start: start = reader.GetDateTimeOffset(); break;
                    case Member.DurationMs: durationMs = ReadDouble(ref reader, options); break;
                    case Member.Status: status = ReadStatus(ref reader, options); break;
                    case Member.Attributes: attributes = ReadAttributes(ref reader, options); break;
                    case Member.Duration: reader.Skip(); break; // not read (it is computed) but known: older payloads carry it
                    default:
                        if (options.UnmappedMemberHandling == JsonUnmappedMemberHandling.Disallow)
                        {
                            throw new JsonException($"The JSON property '{unknown}' could not be mapped to any .NET member contained in type '{typeof(TraceSpan).FullName}'.");
                        }

                        reader.Skip();
                        break;
                }
            }
            catch (Exception ex) when (ex is InvalidOperationException or FormatException)
            {
                throw new JsonException($"The JSON value of '{CamelCase(member)}' could not be converted to {TypeOf(member)}: {ex.Message}", ex);
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject)
        {
            throw new JsonException($"The JSON value could not be converted to {typeof(TraceSpan).FullName}.");
        }

        return new TraceSpan(spanId!, parentSpanId, name!, service!, start, durationMs, status, attributes);
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, TraceSpan value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value, FluoJsonContext.Default.TraceSpan);

    private static SpanStatus ReadStatus(ref Utf8JsonReader reader, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped)
        {
            var exact = reader.ValueSpan switch
            {
                var v when v.SequenceEqual("ok"u8) => SpanStatus.Ok,
                var v when v.SequenceEqual("error"u8) => SpanStatus.Error,
                var v when v.SequenceEqual("unset"u8) => SpanStatus.Unset,
                _ => (SpanStatus?)null,
            };
            if (exact is { } status)
            {
                return status;
            }
        }

        return ((JsonConverter<SpanStatus>)options.GetConverter(typeof(SpanStatus))).Read(ref reader, typeof(SpanStatus), options);
    }

    private static Dictionary<string, AttributeValue>? ReadAttributes(ref Utf8JsonReader reader, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"The JSON value could not be converted to {typeof(IReadOnlyDictionary<string, AttributeValue>).FullName}.");
        }

        var attributes = new Dictionary<string, AttributeValue>();
        var values = (JsonConverter<AttributeValue>)options.GetConverter(typeof(AttributeValue));
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            reader.Read();
            attributes[key] = values.Read(ref reader, typeof(AttributeValue), options);
        }

        return attributes;
    }

    // The exact camelCase name first (what every client sends), then any casing.
    private static Member MemberOf(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            var exact = reader.ValueSpan switch
            {
                var n when n.SequenceEqual("spanId"u8) => Member.SpanId,
                var n when n.SequenceEqual("parentSpanId"u8) => Member.ParentSpanId,
                var n when n.SequenceEqual("name"u8) => Member.Name,
                var n when n.SequenceEqual("service"u8) => Member.Service,
                var n when n.SequenceEqual("start"u8) => Member.Start,
                var n when n.SequenceEqual("durationMs"u8) => Member.DurationMs,
                var n when n.SequenceEqual("status"u8) => Member.Status,
                var n when n.SequenceEqual("attributes"u8) => Member.Attributes,
                var n when n.SequenceEqual("duration"u8) => Member.Duration,
                _ => Member.Unknown,
            };
            if (exact != Member.Unknown)
            {
                return exact;
            }
        }

        var text = reader.GetString();
        foreach (var (name, member) in Names)
        {
            if (string.Equals(text, name, StringComparison.OrdinalIgnoreCase))
            {
                return member;
            }
        }

        return Member.Unknown;
    }

    private static double ReadDouble(ref Utf8JsonReader reader, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String || (options.NumberHandling & JsonNumberHandling.AllowReadingFromString) == 0)
        {
            return reader.GetDouble();
        }

        // What the serializer accepts from a string: the number alone, in JSON's form.
        if (!reader.ValueIsEscaped && Utf8Parser.TryParse(reader.ValueSpan, out double value, out var consumed) && consumed == reader.ValueSpan.Length)
        {
            return value;
        }

        var text = reader.GetString();
        return (options.NumberHandling & JsonNumberHandling.AllowNamedFloatingPointLiterals) != 0 && text is "NaN" or "Infinity" or "-Infinity"
            ? double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture)
            : throw new FormatException($"'{text}' is not a number.");
    }

    private static string CamelCase(Member member) => member.ToString() is var name && name.Length > 0 ? char.ToLowerInvariant(name[0]) + name[1..] : name;

    private static string TypeOf(Member member) => member switch
    {
        Member.Start => typeof(DateTimeOffset).FullName!,
        Member.DurationMs => typeof(double).FullName!,
        Member.Status => typeof(SpanStatus).FullName!,
        Member.Attributes => "an object of attributes",
        _ => typeof(string).FullName!,
    };
}
