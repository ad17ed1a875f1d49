using Fluo.Contracts.Jobs;
using Fluo.Contracts.Messaging;
using Fluo.Nats;
using Fluo.Nats.JetStream;
using Fluo.Web.Live;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Fluo.Web.Pages;

/// <summary>Jobs (live from the <c>fluo_jobs</c> watch) and the dead-letter stream, with replay to the original subject.</summary>
public sealed class JobsModel(JobBoard board, INatsJSContext js) : PageModel
{
    private const int MaxDeadLetters = 50;

    /// <summary>Most recently updated jobs.</summary>
    public IReadOnlyList<JobStatus> Jobs { get; private set; } = [];

    /// <summary>Newest dead letters.</summary>
    public List<DeadLetter> DeadLetters { get; } = [];

    /// <summary>Why the dead letters could not be read.</summary>
    public string? DeadLetterError { get; private set; }

    /// <summary>The outcome of a replay.</summary>
    public string? Message { get; private set; }

    /// <summary>Loads.</summary>
    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Message = TempData["message"] as string;
        Jobs = board.Recent(200);
        try
        {
            var info = await js.GetStreamAsync(FluoTopology.DeadLetterStream, cancellationToken);
            for (var seq = info.State.LastSeq; seq >= Math.Max(info.State.FirstSeq, 1) && seq > 0 && DeadLetters.Count < MaxDeadLetters; seq--)
            {
                try
                {
                    var msg = await js.GetMsgAsync(FluoTopology.DeadLetterStream, new StreamMsgGetRequest { Seq = seq }, cancellationToken);
                    DeadLetters.Add(new DeadLetter(msg.Seq, Header(msg.Headers, FluoHeaders.OriginalSubject) ?? msg.Subject["dlq.".Length..],
                        Header(msg.Headers, FluoHeaders.Deliveries), Header(msg.Headers, FluoHeaders.LastError), msg.Time));
                }
                catch (NatsJSApiException ex) when (ex.ErrorCode == 10037)
                {
                    // A gap (message removed): skip it.
                }
            }
        }
        catch (Exception ex) when (ex is NatsException or TimeoutException)
        {
            DeadLetterError = "Dead letters could not be read: " + ex.Message;
        }
    }

    /// <summary>Republishes a dead letter to its original subject with its original headers (form POST with antiforgery).</summary>
    public async Task<IActionResult> OnPostReplayAsync(ulong seq, CancellationToken cancellationToken)
    {
        try
        {
            var msg = await js.GetMsgAsync(FluoTopology.DeadLetterStream, new StreamMsgGetRequest { Seq = seq }, cancellationToken);
            var subject = Header(msg.Headers, FluoHeaders.OriginalSubject) ?? msg.Subject["dlq.".Length..];
            var headers = new NatsHeaders();
            foreach (var (key, value) in msg.Headers ?? [])
            {
                if (!key.StartsWith("Fluo-", StringComparison.Ordinal) || key == FluoHeaders.JobId)
                {
                    headers[key] = value;
                }
            }

            // A fresh Nats-Msg-Id: the original one may still be inside JOBS' duplicate window. Replaying the same dead
            // letter twice within the window is deduplicated.
            headers["Nats-Msg-Id"] = $"replay-{FluoTopology.DeadLetterStream}-{seq}";
            var ack = await js.PublishAsync(subject, msg.Data, headers: headers, cancellationToken: cancellationToken);
            TempData["message"] = ack.Duplicate
                ? $"Dead letter {seq} was already replayed."
                : $"Dead letter {seq} replayed to {subject} (JOBS sequence {ack.Seq}).";
        }
        catch (Exception ex) when (ex is NatsException or TimeoutException)
        {
            TempData["message"] = $"Replay of {seq} failed: {ex.Message}";
        }

        return RedirectToPage();
    }

    private static string? Header(NatsHeaders? headers, string key) => headers?.GetLastValue(key);

    /// <summary>A dead letter.</summary>
    /// <param name="Seq">Its DLQ sequence.</param>
    /// <param name="OriginalSubject">Where it was first published.</param>
    /// <param name="Deliveries">How often it was tried.</param>
    /// <param name="LastError">The last attempt's error.</param>
    /// <param name="Time">When it was dead-lettered.</param>
    public sealed record DeadLetter(ulong Seq, string OriginalSubject, string? Deliveries, string? LastError, DateTimeOffset Time);
}
