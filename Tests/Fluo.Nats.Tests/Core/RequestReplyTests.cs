using Fluo.Testing.Nats;

namespace Fluo.Nats.Tests.Core;

public class RequestReplyTests(NatsServerFixture fixture) : IClassFixture<NatsServerFixture>
{
    private string Url => fixture.Server.Url;

    private static Task Respond(INatsSub<int> sub, Func<int, int> answer) => Task.Run(async () =>
    {
        await foreach (var msg in sub.Msgs.ReadAllAsync())
        {
            await msg.ReplyAsync(answer(msg.Data));
        }
    });

    [Fact]
    public async Task Requests_get_their_own_replies_through_one_shared_inbox()
    {
        await using var responder = await TestConnections.ConnectAsync(Url);
        await using var requester = await TestConnections.ConnectAsync(Url);
        await using var sub = await responder.SubscribeCoreAsync<int>("math.double");
        _ = Respond(sub, x => x * 2);

        var replies = await Task.WhenAll(Enumerable.Range(0, 200).Select(async i =>
            (i, (await requester.RequestAsync<int, int>("math.double", i)).Data)));
        Assert.All(replies, r => Assert.Equal(r.i * 2, r.Data));
        // One wildcard inbox subscription serves every request.
        Assert.Equal(1, requester.SubscriptionCount);
    }

    [Fact]
    public async Task No_responders_is_an_immediate_typed_error_not_a_timeout()
    {
        await using var requester = await TestConnections.ConnectAsync(Url);
        var started = DateTime.UtcNow;
        var error = await Assert.ThrowsAsync<NatsNoRespondersException>(() =>
            requester.RequestAsync<string, string>("nobody.home", "hi", timeout: TimeSpan.FromSeconds(10)).AsTask());
        Assert.Equal("nobody.home", error.Subject);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5), "no responders must not wait for the timeout");
    }

    [Fact]
    public async Task A_silent_responder_gives_a_timeout()
    {
        await using var responder = await TestConnections.ConnectAsync(Url);
        await using var requester = await TestConnections.ConnectAsync(Url);
        await using var sub = await responder.SubscribeCoreAsync<string>("silent");
        var error = await Assert.ThrowsAsync<NatsRequestTimeoutException>(() =>
            requester.RequestAsync<string, string>("silent", "hi", timeout: TimeSpan.FromMilliseconds(300)).AsTask());
        Assert.Equal(TimeSpan.FromMilliseconds(300), error.Timeout);
    }

    [Fact]
    public async Task Cancellation_ends_a_request()
    {
        await using var responder = await TestConnections.ConnectAsync(Url);
        await using var requester = await TestConnections.ConnectAsync(Url);
        await using var sub = await responder.SubscribeCoreAsync<string>("slow.service");
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            requester.RequestAsync<string, string>("slow.service", "hi", timeout: TimeSpan.FromSeconds(30), cancellationToken: cts.Token).AsTask());
    }

    [Fact]
    public async Task Replies_carry_headers_and_reply_async_needs_a_reply_subject()
    {
        await using var connection = await TestConnections.ConnectAsync(Url);
        await using var sub = await connection.SubscribeCoreAsync<string>("echo.headers");
        _ = Task.Run(async () =>
        {
            var msg = await sub.NextAsync();
            await msg.ReplyAsync(msg.Data + "!", new NatsHeaders { ["Handled-By"] = "test" });
        });
        var reply = await connection.RequestAsync<string, string>("echo.headers", "hi");
        Assert.Equal("hi!", reply.Data);
        Assert.Equal("test", reply.Headers!["Handled-By"]);

        await using var plain = await connection.SubscribeCoreAsync<string>("no.reply");
        await connection.PublishAsync("no.reply", "x");
        var noReply = await plain.NextAsync();
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await noReply.ReplyAsync("y"));
    }
}
