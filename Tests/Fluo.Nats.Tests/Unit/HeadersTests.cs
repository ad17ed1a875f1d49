using System.Buffers;
using System.Text;
using Fluo.Nats.Protocol;

namespace Fluo.Nats.Tests.Unit;

public class HeadersTests
{
    [Fact]
    public void Headers_round_trip_with_repeated_keys_case_and_utf8_values()
    {
        var headers = new NatsHeaders { ["Trace"] = "abc", ["trace"] = "lower" };
        headers.Append("Multi", "1");
        headers.Append("Multi", "2");
        headers["Text"] = "héllo wörld: with colon";
        var buffer = new ArrayBufferWriter<byte>();
        var length = HeaderCodec.Write(buffer, headers);
        Assert.Equal(length, buffer.WrittenCount);
        Assert.Equal(HeaderCodec.GetLength(headers), length);

        var parsed = HeaderCodec.Parse(buffer.WrittenSpan);
        Assert.Equal("abc", parsed["Trace"]);
        Assert.Equal("lower", parsed["trace"]);
        Assert.Equal(new[] { "1", "2" }, (string[])parsed["Multi"]!);
        Assert.Equal("héllo wörld: with colon", parsed["Text"]);
        Assert.Equal(0, parsed.Code);
        Assert.True(parsed.IsReadOnly);
        Assert.Throws<InvalidOperationException>(() => parsed["x"] = "y");
    }

    [Fact]
    public void Empty_headers_are_the_twelve_byte_block()
    {
        var buffer = new ArrayBufferWriter<byte>();
        Assert.Equal(12, HeaderCodec.Write(buffer, new NatsHeaders()));
        Assert.Equal("NATS/1.0\r\n\r\n", Encoding.ASCII.GetString(buffer.WrittenSpan));
    }

    [Theory]
    [InlineData("NATS/1.0 503\r\n\r\n", 503, "")]
    [InlineData("NATS/1.0 408 Request Timeout\r\nNats-Pending-Messages: 5\r\n\r\n", 408, "Request Timeout")]
    [InlineData("NATS/1.0 100 Idle Heartbeat\r\n\r\n", 100, "Idle Heartbeat")]
    public void Status_lines_give_code_and_description(string block, int code, string text)
    {
        var parsed = HeaderCodec.Parse(Encoding.ASCII.GetBytes(block));
        Assert.Equal(code, parsed.Code);
        Assert.Equal(text, parsed.MessageText);
    }

    [Theory]
    [InlineData("bad key")]
    [InlineData("bad:key")]
    [InlineData("")]
    public void Invalid_header_names_are_rejected(string key)
    {
        Assert.ThrowsAny<ArgumentException>(() => new NatsHeaders { [key] = "v" });
    }

    [Fact]
    public void Header_values_with_line_breaks_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => new NatsHeaders { ["k"] = "a\r\nInjected: 1" });
    }
}
