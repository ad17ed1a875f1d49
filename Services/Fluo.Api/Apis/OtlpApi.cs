using Fluo.Api.Outbox;
using Fluo.Api.Traces;
using Fluo.Otlp.Http;
using Fluo.Otlp.Traces;
using Microsoft.Extensions.Options;
using OpenTelemetry.Proto.Collector.Trace.V1;

namespace Fluo.Api.Apis;

/// <summary><c>POST /v1/traces</c>: OTLP/HTTP in protobuf or JSON, so SDKs and collectors export straight to Fluo.</summary>
public static class OtlpApi
{
    /// <summary>Maps the OTLP trace receiver.</summary>
    public static IEndpointRouteBuilder MapOtlpApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/traces", ExportAsync)
            .WithTags("OTLP")
            .WithName("ExportOtlpTraces")
            .WithSummary("Accept an OTLP/HTTP trace export (application/x-protobuf or application/json); one analysis job per trace");
        return app;
    }

    /// <summary>
    /// Decodes the request (errors as <c>google.rpc.Status</c> in the request's encoding), stores each trace with its
    /// job in one transaction and answers with OTLP partial success for spans with invalid ids. A database failure is
    /// a 503, which OTLP exporters retry.
    /// </summary>
    internal static async Task ExportAsync(HttpContext http, TraceIntake intake, IOptions<ApiOptions> options)
    {
        var aborted = http.RequestAborted;
        var read = await OtlpHttp.ReadTracesAsync(http.Request, new OtlpHttpOptions { MaxRequestBytes = options.Value.MaxOtlpRequestBytes }, aborted);
        if (!read.Succeeded)
        {
            await OtlpHttp.WriteErrorAsync(http.Response, read.Error, read.Encoding, aborted);
            return;
        }

        var batch = read.Request;
        var traces = OtlpTraceMapper.ToTraces(batch.Spans);
        if (traces.Count > 0)
        {
            try
            {
                await intake.AcceptAsync(traces, OutboxCommands.CurrentTraceHeaders(http), aborted);
            }
            catch (Npgsql.NpgsqlException ex)
            {
                http.Response.Headers.RetryAfter = "5";
                await OtlpHttp.WriteErrorAsync(http.Response, new OtlpHttpError(StatusCodes.Status503ServiceUnavailable, $"The traces could not be stored: {ex.Message}"), read.Encoding, aborted);
                return;
            }
        }

        await OtlpHttp.WriteResponseAsync(http.Response, batch.ToResponse(), read.Encoding, aborted);
    }

}
