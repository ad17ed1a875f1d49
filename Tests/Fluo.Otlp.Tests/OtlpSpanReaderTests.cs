using System.Globalization;
using Fluo.Otlp.Codec;
using Fluo.Otlp.Traces;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace Fluo.Otlp.Tests;

/// <summary>
/// <see cref="OtlpSpanReader"/> reads from the bytes exactly what <see cref="OtlpSpans.Flatten"/> makes of the parsed
/// request: every field, in whatever order and however often it is sent, and the same rejections.
/// </summary>
public sealed class OtlpSpanReaderTests
{
    [Fact]
    public void The_sample_reads_as_it_flattens_every_field_and_value_kind()
    {
        var request = Requests.Sample();
        AssertSame(request.ToByteArray());
        Assert.Equal(3, OtlpSpanReader.Read(request.ToByteArray()).Spans.Count);
    }

    [Fact]
    public void Many_spans_read_as_they_flatten() => AssertSame(Requests.Many(500).ToByteArray());

    [Fact]
    public void Spans_with_invalid_ids_are_rejected_with_the_same_count_and_message()
    {
        var request = Requests.Sample();
        var spans = request.ResourceSpans[0].ScopeSpans[0].Spans;
        spans[0].TraceId = ByteString.CopyFrom(new byte[16]);
        spans[1].ParentSpanId = ByteString.CopyFrom(1, 2, 3);
        var batch = AssertSame(request.ToByteArray());
        Assert.Equal(2, batch.RejectedSpans);
        Assert.NotNull(batch.ErrorMessage);
    }

    [Fact]
    public void A_resource_or_scope_sent_after_its_spans_still_applies_to_them()
    {
        var resource = new ResourceSpans { Resource = new Resource { Attributes = { Requests.Kv("service.name", "late"), Requests.Kv("service.instance.id", "late-1") } } };
        var scope = new ScopeSpans { Scope = new InstrumentationScope { Name = "late.scope" } };
        var spans = new ScopeSpans { Spans = { Requests.Sample().ResourceSpans[0].ScopeSpans[0].Spans } };

        // Concatenated messages are one message with the fields of both: spans first, then the scope, then the resource.
        var scopeSpans = Concat(spans.ToByteArray(), scope.ToByteArray());
        var resourceSpans = Concat(Field(2, scopeSpans), resource.ToByteArray());
        var body = Field(1, resourceSpans);

        var batch = AssertSame(body);
        Assert.All(batch.Spans, s => Assert.Equal(("late", "late-1", "late.scope"), (s.ServiceName, s.ServiceInstanceId, s.ScopeName)));
    }

    [Fact]
    public void Fields_sent_twice_merge_as_protobuf_merges_them()
    {
        var first = Requests.Sample().ResourceSpans[0].ScopeSpans[0].Spans[0];
        var second = new Span
        {
            Name = "renamed", Status = new Status { Message = "second message" },
            Attributes = { Requests.Kv("http.request.method", "GET"), new KeyValue { Key = "tags", Value = new AnyValue { ArrayValue = new ArrayValue { Values = { new AnyValue { BoolValue = true } } } } } },
        };
        var span = Concat(first.ToByteArray(), second.ToByteArray());

        // An attribute whose value comes twice: a string, then an int, in one KeyValue.
        var keyValue = Concat(Requests.Kv("twice", "text").ToByteArray(), new KeyValue { Value = new AnyValue { IntValue = 7 } }.ToByteArray());
        span = Concat(span, Field(9, keyValue));
        var body = Field(1, Field(2, Field(2, span)));

        var read = Assert.Single(AssertSame(body).Spans);
        Assert.Equal("renamed", read.Name);
        Assert.Equal(("second message", Status.Types.StatusCode.Error), (read.StatusMessage, read.StatusCode));
        Assert.Equal("GET", read.Attributes["http.request.method"].ToString());
        Assert.Equal("7", read.Attributes["twice"].ToString());
    }

    [Fact]
    public void Unknown_fields_of_every_wire_type_are_skipped()
    {
        var span = Requests.Sample().ResourceSpans[0].ScopeSpans[0].Spans[1].ToByteArray();
        var unknown = new MemoryStream();
        using (var output = new CodedOutputStream(unknown, leaveOpen: true))
        {
            output.WriteTag(90, WireFormat.WireType.Varint);
            output.WriteUInt64(ulong.MaxValue);
            output.WriteTag(91, WireFormat.WireType.Fixed64);
            output.WriteFixed64(1);
            output.WriteTag(92, WireFormat.WireType.Fixed32);
            output.WriteFixed32(1);
            output.WriteTag(93, WireFormat.WireType.LengthDelimited);
            output.WriteString("ignored");
            output.WriteTag(94, WireFormat.WireType.StartGroup);
            output.WriteTag(1, WireFormat.WireType.Varint);
            output.WriteInt32(5);
            output.WriteTag(94, WireFormat.WireType.EndGroup);
        }

        var body = Field(1, Field(2, Field(2, Concat(unknown.ToArray(), span, unknown.ToArray()))));
        Assert.Single(AssertSame(body).Spans);
    }

    [Theory]
    [InlineData(new byte[] { 0x0a, 0x05, 0x12 })]             // a field longer than the body
    [InlineData(new byte[] { 0x00 })]                         // field number 0
    [InlineData(new byte[] { 0x0f })]                         // wire type 7
    [InlineData(new byte[] { 0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01 })] // an 11-byte varint
    public void Malformed_bodies_throw_OtlpFormatException(byte[] body)
    {
        Assert.Throws<InvalidProtocolBufferException>(() => ExportTraceServiceRequest.Parser.ParseFrom(body));
        Assert.Throws<OtlpFormatException>(() => OtlpSpanReader.Read(body));
    }

    [Fact]
    public void Mutated_bodies_that_the_parser_accepts_read_the_same_and_no_body_throws_anything_else()
    {
        var original = Requests.Sample().ToByteArray();
        var random = new Random(20261203);
        var (accepted, refused) = (0, 0);
        for (var i = 0; i < 3000; i++)
        {
            var body = Mutate(original, random);
            ExportTraceServiceRequest? parsed = null;
            try
            {
                parsed = ExportTraceServiceRequest.Parser.ParseFrom(body);
            }
            catch (InvalidProtocolBufferException)
            {
                refused++;
            }

            if (parsed is null)
            {
                // The reader may be lenient inside fields it skips, but may fail only with OtlpFormatException.
                try
                {
                    OtlpSpanReader.Read(body);
                }
                catch (OtlpFormatException)
                {
                }

                continue;
            }

            accepted++;
            Assert.Equal(Describe(OtlpSpans.Flatten(parsed)), Describe(OtlpSpanReader.Read(body)));
        }

        Assert.True(accepted > 300 && refused > 300, $"{accepted} accepted, {refused} refused: the mutations should exercise both.");
    }

    /// <summary>Asserts the reader and the parser agree on <paramref name="body"/>; returns the reader's batch.</summary>
    private static OtlpSpanBatch AssertSame(byte[] body)
    {
        var read = OtlpSpanReader.Read(body);
        Assert.Equal(Describe(OtlpSpans.Flatten(ExportTraceServiceRequest.Parser.ParseFrom(body))), Describe(read));
        return read;
    }

    /// <summary>Every field of every span, attribute, event and link, as text.</summary>
    private static List<string> Describe(OtlpSpanBatch batch)
    {
        static string Attributes(IReadOnlyDictionary<string, Values.OtlpValue> attributes) =>
            string.Join(";", attributes.Select(a => $"{a.Key}={a.Value.Kind}:{a.Value}"));

        var lines = new List<string> { $"rejected {batch.RejectedSpans}: {batch.ErrorMessage}" };
        foreach (var s in batch.Spans)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"{s.TraceId} {s.SpanId} {s.ParentSpanId} {s.Name} {s.Kind} {s.ServiceName} {s.ServiceInstanceId} {s.ScopeName} {s.StartUnixNano} {s.EndUnixNano} {s.StatusCode} {s.StatusMessage} [{Attributes(s.Attributes)}]"));
            lines.AddRange(s.Events.Select(e => $"  event {e.Name} {e.TimeUnixNano} [{Attributes(e.Attributes)}]"));
            lines.AddRange(s.Links.Select(l => $"  link {l.TraceId} {l.SpanId} [{Attributes(l.Attributes)}]"));
        }

        return lines;
    }

    private static byte[] Mutate(byte[] original, Random random)
    {
        var bytes = original.ToList();
        for (var n = random.Next(1, 4); n > 0; n--)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(4))
            {
                case 0: bytes[at] = (byte)random.Next(256); break;
                case 1: bytes[at] ^= (byte)(1 << random.Next(8)); break;
                case 2: bytes.RemoveAt(at); break;
                default: bytes.Insert(at, (byte)random.Next(256)); break;
            }
        }

        return [.. bytes];
    }

    private static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];

    /// <summary>A length-delimited field: its tag, its length, then <paramref name="value"/>.</summary>
    private static byte[] Field(int number, byte[] value)
    {
        var stream = new MemoryStream();
        using (var output = new CodedOutputStream(stream, leaveOpen: true))
        {
            output.WriteTag(number, WireFormat.WireType.LengthDelimited);
            output.WriteBytes(ByteString.CopyFrom(value));
        }

        return stream.ToArray();
    }
}
