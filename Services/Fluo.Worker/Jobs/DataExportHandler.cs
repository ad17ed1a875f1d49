using System.Text;
using System.Text.Json;
using Fluo.Contracts;
using Fluo.Contracts.Backend;
using Fluo.Contracts.Jobs;
using Fluo.Contracts.Signals;
using Fluo.Worker.Export;

namespace Fluo.Worker.Jobs;

/// <summary>
/// <c>data_export</c>: pages through the matching signals, writes CSV or a JSON array, and stores the file with the
/// Backend in chunks of at most 256 KiB (idempotent per index, so a retried export rewrites the same pieces).
/// Between pages it restarts the ack-wait timer and records its progress.
/// </summary>
internal sealed class DataExportHandler(BackendClient backend)
{
    /// <summary>Signals per <c>signals.list</c> page.</summary>
    public const int PageSize = 500;

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public async Task<JobResult> HandleAsync(DataExportJob job, JobContext context, CancellationToken cancellationToken)
    {
        var csv = string.Equals(job.Format, "csv", StringComparison.OrdinalIgnoreCase);
        if (!csv && !string.Equals(job.Format, "json", StringComparison.OrdinalIgnoreCase))
        {
            throw new PermanentJobException($"Unknown export format '{job.Format}': use csv or json.");
        }

        var filter = job.Filter ?? new SignalFilter();
        using var chunker = new ExportChunker();
        using var text = csv ? new StreamWriter(chunker.Stream, Utf8, bufferSize: 16 * 1024, leaveOpen: true) { NewLine = "\r\n" } : null;
        using var json = csv ? null : new Utf8JsonWriter(chunker.Stream);
        var scratch = new StringBuilder(256);
        if (text is not null)
        {
            SignalCsv.WriteHeader(text);
        }
        else
        {
            json!.WriteStartArray();
        }

        // Offset paging over a list that may grow meanwhile can show a signal twice: write each once.
        var written = new HashSet<Guid>();
        var chunks = 0;
        long rows = 0;
        for (var offset = 0; ; offset += PageSize)
        {
            var page = await backend.RequestAsync<SignalQuery, SignalPage>(BackendSubjects.SignalsList, new SignalQuery(filter, offset, PageSize), cancellationToken);
            foreach (var signal in page.Items)
            {
                if (!written.Add(signal.Id))
                {
                    continue;
                }

                if (text is not null)
                {
                    SignalCsv.WriteRow(text, signal, scratch);
                }
                else
                {
                    JsonSerializer.Serialize(json!, signal, FluoJsonContext.Default.Signal);
                }

                rows++;
            }

            var last = page.Items.Count < PageSize || offset + page.Items.Count >= page.Total;
            if (last && json is not null)
            {
                json.WriteEndArray();
            }

            if (text is not null)
            {
                await text.FlushAsync(cancellationToken);
            }
            else
            {
                await json!.FlushAsync(cancellationToken);
            }

            foreach (var chunk in chunker.TakeChunks(final: last, firstChunkPending: chunks == 0))
            {
                await backend.RequestAsync<ExportChunk, Ack>(BackendSubjects.ExportsAppend, new ExportChunk(job.ExportId, chunks, chunk), cancellationToken);
                chunks++;
            }

            if (last)
            {
                break;
            }

            var progress = page.Total > 0 ? (double)(offset + page.Items.Count) / page.Total : 0;
            await context.ReportProgressAsync(progress, $"exported {rows} of {page.Total} signals", cancellationToken);
        }

        await backend.RequestAsync<ExportCompleteRequest, ExportInfo>(BackendSubjects.ExportsComplete, new ExportCompleteRequest(job.ExportId, chunks, rows, chunker.TotalBytes), cancellationToken);
        return new JobResult(Export: new ExportResult(job.ExportId, rows, chunker.TotalBytes));
    }
}
