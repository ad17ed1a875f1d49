using System.Diagnostics;
using Fluo.Nats;

namespace Fluo.Benchmarks.Cli;

/// <summary>A responder on the second connection echoes each request; the requester makes <c>n</c> sequential requests.</summary>
internal sealed class ReqMode : IBenchMode
{
    private const string Subject = "bench.req";
    private readonly BenchContext _context;
    private readonly INatsSub<ReadOnlyMemory<byte>> _sub;
    private readonly Task _responder;

    private ReqMode(BenchContext context, INatsSub<ReadOnlyMemory<byte>> sub)
    {
        _context = context;
        _sub = sub;
        _responder = Task.Run(RespondAsync);
    }

    public static async Task<ReqMode> StartAsync(BenchContext context)
    {
        var sub = await context.Subscriber!.SubscribeCoreAsync<ReadOnlyMemory<byte>>(Subject);
        return new ReqMode(context, sub);
    }

    private async Task RespondAsync()
    {
        var msgs = _sub.Msgs;
        while (await msgs.WaitToReadAsync())
        {
            while (msgs.TryRead(out var msg))
            {
                await msg.ReplyAsync(msg.Data);
            }
        }
    }

    public async Task<TimeSpan> RunAsync(int count)
    {
        var connection = _context.Publisher;
        var payload = _context.Payload;
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            await connection.RequestAsync<ReadOnlyMemory<byte>, ReadOnlyMemory<byte>>(Subject, payload);
        }

        return watch.Elapsed;
    }

    public async ValueTask DisposeAsync()
    {
        await _sub.UnsubscribeAsync();
        await _responder;
    }
}
