using System.Buffers.Binary;
using System.IO.Compression;
using Fluo.Hosting.Dashboard.Telemetry;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;

namespace Fluo.Hosting.Dashboard.Otlp;

/// <summary>
/// The OTLP/gRPC receiver: the three unary <c>Export</c> methods, by hand (HTTP/2, one 5-byte length-prefixed message each
/// way, <c>grpc-status</c> in the trailers). A malformed message gets <c>INVALID_ARGUMENT</c> and nothing is stored.
/// </summary>
internal static class OtlpGrpcEndpoints
{
    private const int Ok = 0;
    private const int InvalidArgument = 3;
    private const int ResourceExhausted = 8;
    private const int Unimplemented = 12;
    private const string GrpcContentType = "application/grpc";

    public static IEndpointRouteBuilder MapOtlpGrpc(this IEndpointRouteBuilder endpoints, TelemetryStore store)
    {
        var max = store.Limits.MaxRequestBytes;
        endpoints.MapPost("/opentelemetry.proto.collector.trace.v1.TraceService/Export",
            context => ExportAsync<ExportTraceServiceRequest>(context, ExportTraceServiceRequest.Parser, max, store.Export));
        endpoints.MapPost("/opentelemetry.proto.collector.logs.v1.LogsService/Export",
            context => ExportAsync<ExportLogsServiceRequest>(context, ExportLogsServiceRequest.Parser, max, store.Export));
        endpoints.MapPost("/opentelemetry.proto.collector.metrics.v1.MetricsService/Export",
            context => ExportAsync<ExportMetricsServiceRequest>(context, ExportMetricsServiceRequest.Parser, max, store.Export));
        return endpoints;
    }

    private static async Task ExportAsync<TRequest>(HttpContext context, MessageParser<TRequest> parser, long maxBytes, Func<TRequest, IMessage> export)
        where TRequest : IMessage<TRequest>
    {
        if (context.Request.ContentType?.StartsWith(GrpcContentType, StringComparison.OrdinalIgnoreCase) != true)
        {
            context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            return;
        }

        context.Response.ContentType = GrpcContentType;
        byte[] body;
        try
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
            body = buffer.ToArray();
        }
        catch (BadHttpRequestException e)
        {
            Trailers(context, ResourceExhausted, e.Message);
            return;
        }

        var (payload, error) = Unframe(body, context.Request.Headers["grpc-encoding"].ToString(), maxBytes);
        if (payload is null)
        {
            Trailers(context, error!.Value.Status, error.Value.Message);
            return;
        }

        TRequest request;
        try
        {
            request = parser.ParseFrom(payload);
        }
        catch (InvalidProtocolBufferException e)
        {
            Trailers(context, InvalidArgument, $"not a valid {typeof(TRequest).Name}: {e.Message}");
            return;
        }

        var response = export(request).ToByteArray();
        var frame = new byte[5 + response.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)response.Length);
        response.CopyTo(frame, 5);
        await context.Response.Body.WriteAsync(frame, context.RequestAborted).ConfigureAwait(false);
        Trailers(context, Ok, null);
    }

    // A unary call carries exactly one message: flag byte (1 = compressed), big-endian length, bytes.
    private static (byte[]? Payload, (int Status, string Message)? Error) Unframe(byte[] body, string encoding, long maxBytes)
    {
        if (body.Length < 5 || BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(1)) != body.Length - 5)
        {
            return (null, (InvalidArgument, $"expected one length-prefixed message, got {body.Length} bytes"));
        }

        var payload = body[5..];
        if (body[0] == 0)
        {
            return (payload, null);
        }

        if (!encoding.Equals("gzip", StringComparison.OrdinalIgnoreCase))
        {
            return (null, (Unimplemented, $"message compression '{encoding}' is not supported (gzip is)"));
        }

        try
        {
            using var gzip = new GZipStream(new MemoryStream(payload), CompressionMode.Decompress);
            using var output = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = gzip.Read(chunk)) > 0)
            {
                output.Write(chunk, 0, read);
                if (output.Length > maxBytes)
                {
                    return (null, (ResourceExhausted, $"the message is larger than {maxBytes} bytes uncompressed"));
                }
            }

            return (output.ToArray(), null);
        }
        catch (InvalidDataException e)
        {
            return (null, (InvalidArgument, $"bad gzip data: {e.Message}"));
        }
    }

    private static void Trailers(HttpContext context, int status, string? message)
    {
        if (context.Response.SupportsTrailers())
        {
            context.Response.AppendTrailer("grpc-status", status.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (message is not null)
            {
                context.Response.AppendTrailer("grpc-message", Uri.EscapeDataString(message));
            }
        }
        else
        {
            // HTTP/1.1 has no trailers here; gRPC allows the status in the headers ("trailers-only").
            context.Response.Headers["grpc-status"] = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (message is not null)
            {
                context.Response.Headers["grpc-message"] = Uri.EscapeDataString(message);
            }
        }
    }
}
