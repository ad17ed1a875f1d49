using Fluo.Otlp.Codec;
using Fluo.Otlp.Values;
using Google.Protobuf;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace Fluo.Otlp.Traces;

/// <summary>
/// Takes the spans of a protobuf <c>ExportTraceServiceRequest</c> straight from its bytes: the same
/// <see cref="OtlpSpanBatch"/> as <see cref="OtlpSpans.Flatten"/> of the parsed request (validation and partial success
/// included), without first building the request's message tree: a span, its ids, its attributes and each attribute's
/// value are otherwise an object each, made only to be read once and dropped.
/// </summary>
/// <remarks>
/// Fields are read where they are, in any order, as a parser merges them: a resource or scope sent after its spans
/// still applies to them, and a field sent twice keeps its last value. An attribute whose value is an array or a map,
/// or is sent twice, is parsed as a message (rare, and merged as protobuf merges it). Bytes of fields this reader does
/// not use (trace state, dropped counts, flags, schema URLs) are skipped unchecked.
/// </remarks>
public static class OtlpSpanReader
{
    /// <summary>Reads every span of the protobuf export <paramref name="body"/>; throws <see cref="OtlpFormatException"/> when it is not valid.</summary>
    public static OtlpSpanBatch Read(ReadOnlySpan<byte> body)
    {
        var batch = new Batch();
        var request = new ProtoReader(body);
        while (request.Next(1, out var resourceSpans))
        {
            ReadResourceSpans(resourceSpans, batch);
        }

        return new OtlpSpanBatch(batch.Spans, batch.Rejected, batch.Error);
    }

    private static void ReadResourceSpans(ReadOnlySpan<byte> bytes, Batch batch)
    {
        // The resource (field 1) first, wherever it is, then the spans of each scope (field 2).
        string? service = null;
        string? instance = null;
        var reader = new ProtoReader(bytes);
        while (reader.Next(1, out var resource))
        {
            var attributes = new ProtoReader(resource);
            while (attributes.Next(1, out var keyValue))
            {
                var (key, value) = ReadKeyValue(keyValue);
                if (key == "service.name")
                {
                    service = value.ToString();
                }
                else if (key == "service.instance.id")
                {
                    instance = value.ToString();
                }
            }
        }

        var source = new Source(string.IsNullOrEmpty(service) ? OtlpAttributes.UnknownService : service, instance, string.Empty);
        reader = new ProtoReader(bytes);
        while (reader.Next(2, out var scopeSpans))
        {
            ReadScopeSpans(scopeSpans, source, batch);
        }
    }

    private static void ReadScopeSpans(ReadOnlySpan<byte> bytes, Source source, Batch batch)
    {
        // The scope (field 1) first, wherever it is, then its spans (field 2).
        var scope = string.Empty;
        var reader = new ProtoReader(bytes);
        while (reader.Next(1, out var scopeBytes))
        {
            var scopeReader = new ProtoReader(scopeBytes);
            while (scopeReader.Next(1, out var name))
            {
                scope = ProtoReader.Text(name);
            }
        }

        source = source with { Scope = scope };
        reader = new ProtoReader(bytes);
        while (reader.Next(2, out var span))
        {
            ReadSpan(span, source, batch);
        }
    }

    private static void ReadSpan(ReadOnlySpan<byte> bytes, Source source, Batch batch)
    {
        ReadOnlySpan<byte> traceId = default, spanId = default, parentSpanId = default;
        var name = string.Empty;
        var kind = Span.Types.SpanKind.Unspecified;
        ulong start = 0, end = 0;
        var statusCode = Status.Types.StatusCode.Unset;
        var statusMessage = string.Empty;
        var attributes = Sized(bytes, 9);
        List<OtlpSpanEvent>? events = null;
        List<OtlpSpanLink>? links = null;
        var reader = new ProtoReader(bytes);
        while (!reader.End)
        {
            var (field, wireType) = reader.ReadTag();
            switch ((field, wireType))
            {
                case (1, ProtoReader.Length): traceId = reader.ReadBytes(); break;
                case (2, ProtoReader.Length): spanId = reader.ReadBytes(); break;
                case (4, ProtoReader.Length): parentSpanId = reader.ReadBytes(); break;
                case (5, ProtoReader.Length): name = reader.ReadString(); break;
                case (6, ProtoReader.Varint): kind = (Span.Types.SpanKind)(int)reader.ReadVarint(); break;
                case (7, ProtoReader.Fixed64): start = reader.ReadFixed64(); break;
                case (8, ProtoReader.Fixed64): end = reader.ReadFixed64(); break;
                case (9, ProtoReader.Length): Add(attributes, reader.ReadBytes()); break;
                case (11, ProtoReader.Length): (events ??= []).Add(ReadEvent(reader.ReadBytes())); break;
                case (13, ProtoReader.Length): (links ??= []).Add(ReadLink(reader.ReadBytes())); break;
                case (15, ProtoReader.Length):
                    var status = new ProtoReader(reader.ReadBytes());
                    while (!status.End)
                    {
                        var (statusField, statusWireType) = status.ReadTag();
                        switch ((statusField, statusWireType))
                        {
                            case (2, ProtoReader.Length): statusMessage = status.ReadString(); break;
                            case (3, ProtoReader.Varint): statusCode = (Status.Types.StatusCode)(int)status.ReadVarint(); break;
                            default: status.Skip(statusField, statusWireType); break;
                        }
                    }

                    break;
                default: reader.Skip(field, wireType); break;
            }
        }

        var problem = OtlpSpans.Validate(traceId, spanId, parentSpanId);
        if (problem is not null)
        {
            batch.Rejected++;
            batch.Error ??= OtlpSpans.Rejection(name, source.Service, problem);
            return;
        }

        batch.Spans.Add(new OtlpSpan(
            Convert.ToHexStringLower(traceId), Convert.ToHexStringLower(spanId), parentSpanId.IsEmpty ? null : Convert.ToHexStringLower(parentSpanId),
            name, kind, source.Service, source.Instance, source.Scope, start, end, statusCode, statusMessage.Length == 0 ? null : statusMessage,
            attributes, events ?? [], links ?? []));
    }

    private static OtlpSpanEvent ReadEvent(ReadOnlySpan<byte> bytes)
    {
        var name = string.Empty;
        ulong time = 0;
        var attributes = Sized(bytes, 3);
        var reader = new ProtoReader(bytes);
        while (!reader.End)
        {
            var (field, wireType) = reader.ReadTag();
            switch ((field, wireType))
            {
                case (1, ProtoReader.Fixed64): time = reader.ReadFixed64(); break;
                case (2, ProtoReader.Length): name = reader.ReadString(); break;
                case (3, ProtoReader.Length): Add(attributes, reader.ReadBytes()); break;
                default: reader.Skip(field, wireType); break;
            }
        }

        return new OtlpSpanEvent(name, time, attributes);
    }

    private static OtlpSpanLink ReadLink(ReadOnlySpan<byte> bytes)
    {
        ReadOnlySpan<byte> traceId = default, spanId = default;
        var attributes = Sized(bytes, 4);
        var reader = new ProtoReader(bytes);
        while (!reader.End)
        {
            var (field, wireType) = reader.ReadTag();
            switch ((field, wireType))
            {
                case (1, ProtoReader.Length): traceId = reader.ReadBytes(); break;
                case (2, ProtoReader.Length): spanId = reader.ReadBytes(); break;
                case (4, ProtoReader.Length): Add(attributes, reader.ReadBytes()); break;
                default: reader.Skip(field, wireType); break;
            }
        }

        return new OtlpSpanLink(Convert.ToHexStringLower(traceId), Convert.ToHexStringLower(spanId), attributes);
    }

    /// <summary>
    /// A dictionary with room for every attribute (field <paramref name="field"/>) of the message <paramref name="bytes"/>,
    /// counted first: growing one as they come would copy it several times for a span's usual handful.
    /// </summary>
    private static Dictionary<string, OtlpValue> Sized(ReadOnlySpan<byte> bytes, int field)
    {
        var count = 0;
        var reader = new ProtoReader(bytes);
        while (reader.Next(field, out _))
        {
            count++;
        }

        return new Dictionary<string, OtlpValue>(count, StringComparer.Ordinal);
    }

    /// <summary>Adds one <c>KeyValue</c> to <paramref name="attributes"/>; a repeated key keeps its last value (as <see cref="OtlpAttributes.ToDictionary"/>).</summary>
    private static void Add(Dictionary<string, OtlpValue> attributes, ReadOnlySpan<byte> keyValue)
    {
        var (key, value) = ReadKeyValue(keyValue);
        attributes[key] = value;
    }

    /// <summary>A <c>KeyValue</c>: scalar values read in place, anything else through the parser (<see cref="OtlpValue.From"/>).</summary>
    private static (string Key, OtlpValue Value) ReadKeyValue(ReadOnlySpan<byte> bytes)
    {
        var key = string.Empty;
        ReadOnlySpan<byte> value = default;
        var values = 0;
        var reader = new ProtoReader(bytes);
        while (!reader.End)
        {
            var (field, wireType) = reader.ReadTag();
            switch ((field, wireType))
            {
                case (1, ProtoReader.Length): key = reader.ReadString(); break;
                case (2, ProtoReader.Length): value = reader.ReadBytes(); values++; break;
                default: reader.Skip(field, wireType); break;
            }
        }

        // No value reads as an empty AnyValue (the empty string).
        return values <= 1 && TryReadScalar(value, out var scalar) ? (key, scalar) : (key, OtlpValue.From(ParseKeyValue(bytes).Value));
    }

    /// <summary>An <c>AnyValue</c> holding a string, bool, int, double or bytes (the last of them when several are sent); false for an array or map.</summary>
    private static bool TryReadScalar(ReadOnlySpan<byte> bytes, out OtlpValue value)
    {
        value = OtlpValue.From(null);
        var reader = new ProtoReader(bytes);
        while (!reader.End)
        {
            var (field, wireType) = reader.ReadTag();
            switch ((field, wireType))
            {
                case (1, ProtoReader.Length): value = OtlpValue.FromString(reader.ReadString()); break;
                case (2, ProtoReader.Varint): value = OtlpValue.FromBool(reader.ReadVarint() != 0); break;
                case (3, ProtoReader.Varint): value = OtlpValue.FromInt((long)reader.ReadVarint()); break;
                case (4, ProtoReader.Fixed64): value = OtlpValue.FromDouble(BitConverter.UInt64BitsToDouble(reader.ReadFixed64())); break;
                case (5, ProtoReader.Length) or (6, ProtoReader.Length): return false;
                case (7, ProtoReader.Length): value = OtlpValue.FromString(Convert.ToBase64String(reader.ReadBytes())); break;
                default: reader.Skip(field, wireType); break;
            }
        }

        return true;
    }

    private static KeyValue ParseKeyValue(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return KeyValue.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw ProtoReader.Invalid(ex.Message, ex);
        }
    }

    /// <summary>Where the spans being read come from: the resource's service and instance, and the scope.</summary>
    private readonly record struct Source(string Service, string? Instance, string Scope);

    /// <summary>What has been read so far.</summary>
    private sealed class Batch
    {
        public List<OtlpSpan> Spans { get; } = [];

        public long Rejected { get; set; }

        public string? Error { get; set; }
    }
}
