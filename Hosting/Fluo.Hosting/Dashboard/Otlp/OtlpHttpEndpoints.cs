using System.IO.Compression;
using Fluo.Hosting.Dashboard.Otlp.Proto;
using Fluo.Hosting.Dashboard.Telemetry;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Fluo.Hosting.Dashboard.Otlp;

/// <summary>
/// The OTLP/HTTP receiver (binary protobuf): <c>POST /v1/traces</c>, <c>/v1/logs</c>, <c>/v1/metrics</c>.
/// A body that is not valid OTLP gets 400 with a <c>google.rpc.Status</c> body and nothing is stored.
/// </summary>
public static class OtlpHttpEndpoints
{
    private const string Protobuf = "application/x-protobuf";

    /// <summary>Maps the three export endpoints onto <paramref name="endpoints"/>, storing into <paramref name="store"/>.</summary>
    public static IEndpointRouteBuilder MapOtlpHttp(this IEndpointRouteBuilder endpoints, TelemetryStore store)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(store);
        endpoints.MapPost("/v1/traces", (HttpContext context) => ReceiveAsync(context, store, ExportTraceServiceRequest.Parser,
            request => store.Add(OtlpConverter.Convert(request), [], []), new ExportTraceServiceResponse()));
        endpoints.MapPost("/v1/logs", (HttpContext context) => ReceiveAsync(context, store, ExportLogsServiceRequest.Parser,
            request => store.Add([], OtlpConverter.Convert(request), []), new ExportLogsServiceResponse()));
        endpoints.MapPost("/v1/metrics", (HttpContext context) => ReceiveAsync(context, store, ExportMetricsServiceRequest.Parser,
            request => store.Add([], [], OtlpConverter.Convert(request)), new ExportMetricsServiceResponse()));
        return endpoints;
    }

    private static async Task ReceiveAsync<TRequest>(HttpContext context, TelemetryStore store, MessageParser<TRequest> parser, Action<TRequest> accept, IMessage response)
        where TRequest : IMessage<TRequest>
    {
        var contentType = context.Request.ContentType ?? string.Empty;
        if (!contentType.StartsWith(Protobuf, StringComparison.OrdinalIgnoreCase))
        {
            await WriteStatusAsync(context, StatusCodes.Status415UnsupportedMediaType, $"Only {Protobuf} is accepted (set OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf).").ConfigureAwait(false);
            return;
        }

        byte[] body;
        try
        {
            body = await ReadBodyAsync(context, store.Limits.MaxRequestBytes).ConfigureAwait(false);
        }
        catch (InvalidDataException ex)
        {
            await WriteStatusAsync(context, StatusCodes.Status400BadRequest, ex.Message).ConfigureAwait(false);
            return;
        }

        TRequest request;
        try
        {
            request = parser.ParseFrom(body);
        }
        catch (InvalidProtocolBufferException ex)
        {
            await WriteStatusAsync(context, StatusCodes.Status400BadRequest, $"The body is not a valid OTLP {typeof(TRequest).Name}: {ex.Message}").ConfigureAwait(false);
            return;
        }

        accept(request);
        context.Response.ContentType = Protobuf;
        await context.Response.Body.WriteAsync(response.ToByteArray(), context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task<byte[]> ReadBodyAsync(HttpContext context, int maxBytes)
    {
        var source = context.Request.Body;
        if (string.Equals(context.Request.Headers.ContentEncoding, "gzip", StringComparison.OrdinalIgnoreCase))
        {
            source = new GZipStream(source, CompressionMode.Decompress);
        }

        await using (source.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            try
            {
                while ((read = await source.ReadAsync(chunk, context.RequestAborted).ConfigureAwait(false)) > 0)
                {
                    if (buffer.Length + read > maxBytes)
                    {
                        throw new InvalidDataException($"The body exceeds the receiver's limit of {maxBytes} bytes.");
                    }

                    buffer.Write(chunk, 0, read);
                }
            }
            catch (InvalidDataException)
            {
                throw;
            }
            catch (IOException ex) when (ex.InnerException is InvalidDataException or null)
            {
                throw new InvalidDataException($"The body could not be read: {ex.Message}", ex);
            }

            return buffer.ToArray();
        }
    }

    private static async Task WriteStatusAsync(HttpContext context, int httpStatus, string message)
    {
        context.Response.StatusCode = httpStatus;
        context.Response.ContentType = Protobuf;
        // 3 = INVALID_ARGUMENT in google.rpc.Code.
        await context.Response.Body.WriteAsync(new RpcStatus { Code = 3, Message = message }.ToByteArray(), context.RequestAborted).ConfigureAwait(false);
    }
}
