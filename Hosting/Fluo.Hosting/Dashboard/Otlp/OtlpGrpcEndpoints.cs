using System.Buffers.Binary;
using Fluo.Hosting.Dashboard.Telemetry;
using Fluo.Otlp.Codec;
using Fluo.Otlp.Http;
using Fluo.Otlp.Traces;
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

        // Trace exports are read straight from their bytes, as over HTTP; logs and metrics are parsed.
        endpoints.MapPost("/opentelemetry.proto.collector.trace.v1.TraceService/Export",
            context => ExportAsync(context, max, message => store.Export(OtlpSpanReader.Read(message))));
        endpoints.MapPost("/opentelemetry.proto.collector.logs.v1.LogsService/Export",
            context => ExportAsync(context, max, message => store.Export(OtlpCodec.Decode(message, OtlpEncoding.Protobuf, ExportLogsServiceRequest.Parser))));
        endpoints.MapPost("/opentelemetry.proto.collector.metrics.v1.MetricsService/Export",
            context => ExportAsync(context, max, message => store.Export(OtlpCodec.Decode(message, OtlpEncoding.Protobuf, ExportMetricsServiceRequest.Parser))));
        return endpoints;
    }

    /// <summary>Answers one unary call: <paramref name="export"/> decodes and stores the message, or throws <see cref="OtlpFormatException"/>.</summary>
    private static async Task ExportAsync(HttpContext context, int maxBytes, Func<ArraySegment<byte>, IMessage> export)
    {
        if (context.Request.ContentType?.StartsWith(GrpcContentType, StringComparison.OrdinalIgnoreCase) != true)
        {
            context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            return;
        }

        context.Response.ContentType = GrpcContentType;
        ArraySegment<byte>? body;
        try
        {
            // The 5-byte frame header rides on top of the message limit.
            body = await OtlpHttp.ReadBoundedAsync(context.Request.Body, gzip: false, maxBytes + 5, (int)Math.Min(context.Request.ContentLength ?? 0, maxBytes + 5L), cancellationToken: context.RequestAborted).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e)
        {
            Trailers(context, ResourceExhausted, e.Message);
            return;
        }

        if (body is not { } framed)
        {
            Trailers(context, ResourceExhausted, $"the message is larger than {maxBytes} bytes");
            return;
        }

        var (payload, error) = await UnframeAsync(framed, context.Request.Headers["grpc-encoding"].ToString(), maxBytes, context.RequestAborted).ConfigureAwait(false);
        if (payload is not { } message)
        {
            Trailers(context, error!.Value.Status, error.Value.Message);
            return;
        }

        IMessage response;
        try
        {
            response = export(message);
        }
        catch (OtlpFormatException e)
        {
            Trailers(context, InvalidArgument, e.Message);
            return;
        }

        var bytes = response.ToByteArray();
        var frame = new byte[5 + bytes.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)bytes.Length);
        bytes.CopyTo(frame, 5);
        await context.Response.Body.WriteAsync(frame, context.RequestAborted).ConfigureAwait(false);
        Trailers(context, Ok, null);
    }

    // A unary call carries exactly one message: flag byte (1 = compressed), big-endian length, bytes.
    private static async Task<(ArraySegment<byte>? Payload, (int Status, string Message)? Error)> UnframeAsync(
        ArraySegment<byte> body, string encoding, int maxBytes, CancellationToken cancellationToken)
    {
        if (body.Count < 5 || BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(1)) != body.Count - 5)
        {
            return (null, (InvalidArgument, $"expected one length-prefixed message, got {body.Count} bytes"));
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
            using var compressed = new MemoryStream(payload.Array!, payload.Offset, payload.Count, writable: false);
            return await OtlpHttp.ReadBoundedAsync(compressed, gzip: true, maxBytes, cancellationToken: cancellationToken).ConfigureAwait(false) is { } message
                ? (message, null)
                : (null, (ResourceExhausted, $"the message is larger than {maxBytes} bytes uncompressed"));
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
