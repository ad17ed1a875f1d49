using Fluo.Backend.Client;
using Fluo.Contracts.Backend;
using Fluo.Worker.Telemetry;

namespace Fluo.Worker.Batching;

/// <summary>Records the signals of trace_analysis jobs with the Backend (<c>signals.record</c>), concurrent jobs' in one <c>signals.record.batch</c> request.</summary>
internal sealed class SignalRecorder(BackendClient backend, WorkerMetrics metrics)
    : BackendBatcher<RecordSignalsRequest, RecordSignalsReply>(backend, BackendSubjects.SignalsRecordBatch, metrics)
{
    /// <summary>Records <paramref name="request"/>'s violations; returns the job's signals (the same ones on a repeat).</summary>
    /// <exception cref="BackendException">The Backend refused the request or could not be asked.</exception>
    public Task<RecordSignalsReply> RecordAsync(RecordSignalsRequest request, CancellationToken cancellationToken) => SendAsync(request, cancellationToken);
}
