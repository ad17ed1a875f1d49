using System.Diagnostics;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Fluo.Otlp.Codec;
using Fluo.Otlp.Http;
using Fluo.Otlp.Traces;
using Google.Protobuf;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Trace.V1;
using Status = OpenTelemetry.Proto.Trace.V1.Status;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Fluo.Otlp.Tests;

/// <summary>The shared request handling, through a real Kestrel app on a loopback port.</summary>
public sealed class OtlpHttpTests : IAsyncLifetime
{
    private Receiver _receiver = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _receiver = await Receiver.StartAsync(new OtlpHttpOptions { MaxRequestBytes = 64 * 1024 });
        _client = new HttpClient { BaseAddress = _receiver.Address, Timeout = TimeSpan.FromSeconds(60) };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _receiver.DisposeAsync();
    }

    private static ByteArrayContent Body(byte[] bytes, string contentType, bool gzip = false)
    {
        var content = new ByteArrayContent(gzip ? Gzip(bytes) : bytes);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (gzip)
        {
            content.Headers.ContentEncoding.Add("gzip");
        }

        return content;
    }

    private static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(bytes);
        }

        return output.ToArray();
    }

    private async Task<HttpResponseMessage> PostAsync(HttpContent content)
    {
        using (content)
        {
            return await _client.PostAsync("/v1/traces", content);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Protobuf_and_json_bodies_give_the_same_request_and_each_gets_its_own_encoding_back(bool gzip)
    {
        var expected = Requests.Sample();
        using var protobuf = await PostAsync(Body(expected.ToByteArray(), "application/x-protobuf", gzip));
        using var json = await PostAsync(Body(File.ReadAllBytes(Requests.SampleJsonPath), "application/json; charset=utf-8", gzip));

        Assert.Equal((200, "application/x-protobuf"), ((int)protobuf.StatusCode, protobuf.Content.Headers.ContentType!.MediaType));
        Assert.Empty(await protobuf.Content.ReadAsByteArrayAsync());
        Assert.Equal((200, "application/json"), ((int)json.StatusCode, json.Content.Headers.ContentType!.MediaType));
        using (var answer = JsonDocument.Parse(await json.Content.ReadAsStringAsync()))
        {
            Assert.Empty(answer.RootElement.EnumerateObject());
        }

        Assert.Equal([expected, expected], _receiver.Received);
    }

    [Fact]
    public async Task Malformed_bodies_get_400_with_a_status_in_the_request_encoding()
    {
        using var protobuf = await PostAsync(Body([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01], "application/x-protobuf"));
        Assert.Equal(400, (int)protobuf.StatusCode);
        var status = Google.Rpc.Status.Parser.ParseFrom(await protobuf.Content.ReadAsByteArrayAsync());
        Assert.Equal(3, status.Code);
        Assert.Contains("not a valid OTLP protobuf ExportTraceServiceRequest", status.Message, StringComparison.Ordinal);

        using var json = await PostAsync(Body("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"xyz\"}]}]}]}"u8.ToArray(), "application/json"));
        Assert.Equal((400, "application/json"), ((int)json.StatusCode, json.Content.Headers.ContentType!.MediaType));
        using var body = JsonDocument.Parse(await json.Content.ReadAsStringAsync());
        Assert.Equal(3, body.RootElement.GetProperty("code").GetInt32());
        Assert.Contains("'traceId' must be a hex string", body.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);

        // A gzip header, then a deflate block of the reserved type 3.
        using var brokenGzip = Body([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff], "application/x-protobuf");
        brokenGzip.Headers.ContentEncoding.Add("gzip");
        using var gzip = await PostAsync(brokenGzip);
        Assert.Equal(400, (int)gzip.StatusCode);
        Assert.Contains("gzip", Google.Rpc.Status.Parser.ParseFrom(await gzip.Content.ReadAsByteArrayAsync()).Message, StringComparison.Ordinal);
        Assert.Empty(_receiver.Received);
    }

    [Theory]
    [InlineData("text/plain", null, "Content-Type 'text/plain' is not supported")]
    [InlineData("application/grpc", null, "Content-Type 'application/grpc' is not supported")]
    [InlineData("application/x-protobuf", "br", "Content-Encoding 'br' is not supported")]
    public async Task Other_content_types_and_encodings_get_415(string contentType, string? contentEncoding, string message)
    {
        var content = Body(Requests.Sample().ToByteArray(), contentType);
        if (contentEncoding is not null)
        {
            content.Headers.ContentEncoding.Add(contentEncoding);
        }

        using var response = await PostAsync(content);
        Assert.Equal(415, (int)response.StatusCode);
        Assert.Contains(message, Google.Rpc.Status.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync()).Message, StringComparison.Ordinal);
        Assert.Empty(_receiver.Received);
    }

    [Fact]
    public async Task Bodies_over_the_limit_get_413_also_when_they_only_grow_past_it_on_decompression()
    {
        var large = Requests.Many(2000).ToByteArray();
        Assert.True(large.Length > 64 * 1024);
        var compressed = Gzip(large);
        Assert.True(compressed.Length < 64 * 1024);

        using var plain = await PostAsync(Body(large, "application/x-protobuf"));
        using var inflated = await PostAsync(Body(large, "application/x-protobuf", gzip: true));
        var fits = Requests.Many(100).ToByteArray();
        using var ok = await PostAsync(Body(fits, "application/x-protobuf"));

        Assert.Equal((413, 413, 200), ((int)plain.StatusCode, (int)inflated.StatusCode, (int)ok.StatusCode));
        var status = Google.Rpc.Status.Parser.ParseFrom(await inflated.Content.ReadAsByteArrayAsync());
        Assert.Equal((8, "The body exceeds the receiver's limit of 65536 bytes."), (status.Code, status.Message));
        Assert.Equal(100, Assert.Single(_receiver.Received).ResourceSpans[0].ScopeSpans[0].Spans.Count);
    }

    [Fact]
    public async Task Partial_success_is_answered_with_the_spec_field_names()
    {
        var request = Requests.Sample();
        request.ResourceSpans[0].ScopeSpans[0].Spans.Add(new Span { Name = "no ids" });

        using var json = await PostAsync(Body(Encoding.UTF8.GetBytes(OtlpJson.Format(request)), "application/json"));
        using var protobuf = await PostAsync(Body(request.ToByteArray(), "application/x-protobuf"));

        using var body = JsonDocument.Parse(await json.Content.ReadAsStringAsync());
        var partial = body.RootElement.GetProperty("partialSuccess");
        Assert.Equal("1", partial.GetProperty("rejectedSpans").GetString());
        Assert.Contains("'no ids'", partial.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, ExportTraceServiceResponse.Parser.ParseFrom(await protobuf.Content.ReadAsByteArrayAsync()).PartialSuccess.RejectedSpans);
    }

    [Fact]
    public async Task The_OpenTelemetry_sdk_exporter_is_received_and_its_json_form_flattens_to_the_same_spans()
    {
        using var source = new ActivitySource("fluo.otlp.tests");
        using (var provider = Sdk.CreateTracerProviderBuilder()
                   .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService("sdk-app", serviceInstanceId: "i-1"))
                   .AddSource(source.Name)
                   .AddOtlpExporter(o =>
                   {
                       o.Endpoint = _receiver.TracesUrl;
                       o.Protocol = OtlpExportProtocol.HttpProtobuf;
                       o.ExportProcessorType = ExportProcessorType.Simple;
                   }).Build())
        {
            using (var root = source.StartActivity("GET /rules", ActivityKind.Server))
            {
                root!.SetTag("http.response.status_code", 200).SetTag("ratio", 0.5).SetTag("cached", true).SetTag("tags", new[] { "a", "b" });
                using var child = source.StartActivity("SELECT rules", ActivityKind.Client);
                child!.SetStatus(ActivityStatusCode.Error, "timeout");
            }

            provider.ForceFlush();
        }

        var fromSdk = _receiver.Received.SelectMany(r => OtlpSpans.Flatten(r).Spans).ToList();
        Assert.Equal(2, fromSdk.Count);
        var server = fromSdk.Single(s => s.Name == "GET /rules");
        var client = fromSdk.Single(s => s.Name == "SELECT rules");
        Assert.Equal(("sdk-app", "i-1", "fluo.otlp.tests", Span.Types.SpanKind.Server), (server.ServiceName, server.ServiceInstanceId, server.ScopeName, server.Kind));
        Assert.Equal((server.SpanId, Status.Types.StatusCode.Error, "timeout"), (client.ParentSpanId, client.StatusCode, client.StatusMessage));
        Assert.Equal(("200", "0.5", "true", "[\"a\",\"b\"]"), (server.Attributes["http.response.status_code"].ToString(),
            server.Attributes["ratio"].ToString(), server.Attributes["cached"].ToString(), server.Attributes["tags"].ToString()));

        var sent = _receiver.Received.ToList();
        foreach (var request in sent)
        {
            using var response = await PostAsync(Body(Encoding.UTF8.GetBytes(OtlpJson.Format(request)), "application/json"));
            Assert.Equal(200, (int)response.StatusCode);
        }

        var fromJson = _receiver.Received.Skip(sent.Count).SelectMany(r => OtlpSpans.Flatten(r).Spans).ToList();
        Assert.Equal(fromSdk.Count, fromJson.Count);
        for (var i = 0; i < fromSdk.Count; i++)
        {
            Assert.Equal(Describe(fromSdk[i]), Describe(fromJson[i]));
        }
    }

    [Theory]
    [InlineData(400, 3)]
    [InlineData(415, 3)]
    [InlineData(413, 8)]
    [InlineData(429, 8)]
    [InlineData(503, 14)]
    [InlineData(504, 14)]
    public void Errors_carry_the_rpc_code_that_tells_an_exporter_whether_to_retry(int status, int rpcCode) =>
        Assert.Equal(rpcCode, new OtlpHttpError(status, "x").RpcCode);

    private static string Describe(OtlpSpan span) =>
        $"{span with { Attributes = null!, Events = null!, Links = null! }} {string.Join(",", span.Attributes.Select(a => $"{a.Key}={a.Value.Kind}:{a.Value}"))} {span.Events.Count} {span.Links.Count}";
}
