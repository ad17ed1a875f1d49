using System.Text;
using Fluo.Nats.Protocol;

namespace Fluo.Nats.Tests.Unit;

public class ProtocolParserTests
{
    private const string Stream =
        "INFO {\"server_id\":\"x\",\"max_payload\":1048576} \r\n" +
        "MSG foo.bar 1 5\r\nhello\r\n" +
        "MSG foo.bar 12 reply.to 0\r\n\r\n" +
        "HMSG h.subj 3 24 29\r\nNATS/1.0\r\nA: b\r\nC: d\r\n\r\nworld\r\n" +
        "HMSG _INBOX.x.1 4 reply 16 16\r\nNATS/1.0 503\r\n\r\n\r\n" +
        "PING\r\nPONG\r\n+OK\r\n-ERR 'Permissions Violation for Publish to \"x\"'\r\n" +
        "msg lower 2 3\r\nabc\r\n";

    private static readonly string[] Expected =
    [
        "Info|{\"server_id\":\"x\",\"max_payload\":1048576}",
        "Msg|foo.bar|1||0|hello",
        "Msg|foo.bar|12|reply.to|0|",
        "HMsg|h.subj|3||24|world",
        "HMsg|_INBOX.x.1|4|reply|16|",
        "Ping", "Pong", "Ok",
        "Err|Permissions Violation for Publish to \"x\"",
        "Msg|lower|2||0|abc",
    ];

    [Fact]
    public void Parses_every_frame_type_in_one_buffer()
    {
        Assert.Equal(Expected, ParseAll(Encoding.ASCII.GetBytes(Stream), []));
    }

    [Fact]
    public void Parses_the_same_frames_when_split_at_every_byte_boundary()
    {
        var bytes = Encoding.ASCII.GetBytes(Stream);
        for (var split = 1; split < bytes.Length; split++)
        {
            Assert.Equal(Expected, ParseAll(bytes, [split]));
        }
    }

    [Fact]
    public void Parses_the_same_frames_when_fed_one_byte_at_a_time()
    {
        var bytes = Encoding.ASCII.GetBytes(Stream);
        Assert.Equal(Expected, ParseAll(bytes, Enumerable.Range(1, bytes.Length - 1).ToArray()));
    }

    [Fact]
    public void Reports_the_whole_frame_size_when_a_large_payload_is_incomplete()
    {
        var bytes = Encoding.ASCII.GetBytes("MSG big 1 1000\r\n" + new string('x', 10));
        Assert.False(ProtocolParser.TryParse(bytes, out _, out _, out var needed));
        Assert.Equal("MSG big 1 1000\r\n".Length + 1000 + 2, needed);
    }

    [Theory]
    [InlineData("FOO bar\r\n")]
    [InlineData("MSG a b 3\r\nabc\r\n")]
    [InlineData("MSG a 1\r\n")]
    [InlineData("MSG a 1 3\r\nabcXY")]
    [InlineData("HMSG a 1 9 3\r\nabc\r\n")]
    public void Rejects_bytes_that_are_not_the_protocol(string frame)
    {
        Assert.Throws<NatsProtocolException>(() => ProtocolParser.TryParse(Encoding.ASCII.GetBytes(frame), out _, out _, out _));
    }

    /// <summary>Feeds the bytes in chunks split at <paramref name="splits"/>, the way a socket would deliver them.</summary>
    private static List<string> ParseAll(byte[] bytes, int[] splits)
    {
        var frames = new List<string>();
        var buffer = new List<byte>();
        var position = 0;
        foreach (var end in splits.Append(bytes.Length))
        {
            buffer.AddRange(bytes[position..end]);
            position = end;
            while (true)
            {
                var span = buffer.ToArray().AsSpan();
                if (!ProtocolParser.TryParse(span, out var frame, out var consumed, out _))
                {
                    break;
                }

                frames.Add(Describe(frame));
                buffer.RemoveRange(0, consumed);
            }
        }

        Assert.Empty(buffer);
        return frames;
    }

    private static string Describe(ServerFrame f) => f.Op switch
    {
        ServerOp.Msg or ServerOp.HMsg => string.Join('|', f.Op, Encoding.ASCII.GetString(f.Subject), f.Sid, Encoding.ASCII.GetString(f.ReplyTo), f.Headers.Length, Encoding.ASCII.GetString(f.Payload)),
        ServerOp.Info or ServerOp.Err => $"{f.Op}|{Encoding.ASCII.GetString(f.Text)}",
        _ => f.Op.ToString(),
    };
}
