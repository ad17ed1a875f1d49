namespace Fluo.Nats.Tests.Unit;

public class SubjectAndNuidTests
{
    [Theory]
    [InlineData("foo", false, true)]
    [InlineData("foo.bar.baz", false, true)]
    [InlineData("$JS.API.INFO", false, true)]
    [InlineData("foo.*", true, true)]
    [InlineData("foo.>", true, true)]
    [InlineData(">", true, true)]
    [InlineData("foo.*", false, false)]
    [InlineData("foo.>", false, false)]
    [InlineData("foo.>.bar", true, false)]
    [InlineData("", false, false)]
    [InlineData("foo..bar", true, false)]
    [InlineData(".foo", true, false)]
    [InlineData("foo.", true, false)]
    [InlineData("foo bar", true, false)]
    [InlineData("foo\tbar", true, false)]
    [InlineData("foo\r\nPUB x 1", true, false)]
    public void Subjects_are_validated(string subject, bool wildcards, bool valid)
    {
        Assert.Equal(valid, NatsSubjects.IsValid(subject, wildcards));
        if (!valid)
        {
            var error = Assert.Throws<ArgumentException>(() => NatsSubjects.Validate(subject, wildcards));
            Assert.Contains("Invalid subject", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Queue_groups_with_whitespace_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => NatsSubjects.ValidateQueueGroup("a b"));
        Assert.Throws<ArgumentException>(() => NatsSubjects.ValidateQueueGroup(""));
        NatsSubjects.ValidateQueueGroup("workers");
    }

    [Fact]
    public void Nuids_are_22_base62_characters_and_unique()
    {
        var seen = new HashSet<string>();
        for (var i = 0; i < 100_000; i++)
        {
            var id = Nuid.Next();
            Assert.Equal(22, id.Length);
            Assert.True(id.All(char.IsAsciiLetterOrDigit));
            Assert.True(seen.Add(id));
        }
    }

    [Fact]
    public async Task Bad_subjects_fail_before_anything_is_sent_or_even_connected()
    {
        // Nothing listens on this port: if the client tried to connect first the error would be a connection error.
        await using var connection = new NatsConnection(new NatsOpts { Url = "nats://127.0.0.1:1" });
        await Assert.ThrowsAsync<ArgumentException>(() => connection.PublishAsync("bad subject", "x").AsTask());
        await Assert.ThrowsAsync<ArgumentException>(() => connection.PublishAsync("foo.*", "x").AsTask());
        await Assert.ThrowsAsync<ArgumentException>(() => connection.SubscribeCoreAsync<string>("foo..bar").AsTask());
        await Assert.ThrowsAsync<ArgumentException>(() => connection.SubscribeCoreAsync<string>("foo", "bad group").AsTask());
        await Assert.ThrowsAsync<ArgumentException>(() => connection.RequestAsync<string, string>("", "x").AsTask());
        Assert.Equal(NatsConnectionState.Closed, connection.ConnectionState);
    }

    [Theory]
    [InlineData("nats://user:p%40ss@host:4333", "host", 4333, false, "user", "p@ss", null)]
    [InlineData("tls://secret@host", "host", 4222, true, null, null, "secret")]
    [InlineData("localhost:5000", "localhost", 5000, false, null, null, null)]
    public void Urls_carry_credentials_as_aspire_passes_them(string url, string host, int port, bool tls, string? user, string? password, string? token)
    {
        var address = Internal.NatsServerAddress.Parse(url);
        Assert.Equal((host, port, tls, user, password, token), (address.Host, address.Port, address.Tls, address.User, address.Password, address.Token));
    }

    [Fact]
    public void Unusable_urls_fail_when_the_connection_is_created()
    {
        Assert.Throws<ArgumentException>(() => new NatsConnection(new NatsOpts { Url = "http://host:4222" }));
        Assert.Throws<ArgumentException>(() => new NatsConnection(new NatsOpts { Url = " , " }));
    }
}
