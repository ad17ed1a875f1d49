using System.Buffers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Fluo.Nats.Protocol;

namespace Fluo.Nats.Internal;

/// <summary>One socket to one server: connect, optional TLS upgrade, CONNECT/PING/PONG handshake, raw reads and writes.</summary>
internal sealed class Transport : IAsyncDisposable
{
    private const int InitialBufferSize = 64 * 1024;

    private readonly Socket _socket;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(InitialBufferSize);
    private int _disposed;

    private Transport(Socket socket, Stream stream, NatsServerAddress address)
    {
        _socket = socket;
        Stream = stream;
        Address = address;
    }

    public NatsServerAddress Address { get; }

    public Stream Stream { get; private set; }

    public NatsServerInfo Info { get; private set; } = new();

    /// <summary>Cancelled when the transport is closed; its loops stop.</summary>
    public CancellationTokenSource Closing { get; } = new();

    /// <summary>Unparsed bytes are <c>Buffer[Start..End]</c>.</summary>
    public byte[] Buffer => _buffer;

    public int Start { get; set; }

    public int End { get; private set; }

    public static async Task<Transport> ConnectAsync(NatsServerAddress address, NatsOpts opts, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(opts.ConnectTimeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Transport? transport = null;
        try
        {
            await socket.ConnectAsync(address.Host, address.Port, timeout.Token).ConfigureAwait(false);
            transport = new Transport(socket, new NetworkStream(socket, ownsSocket: false), address);
            await transport.HandshakeAsync(opts, timeout.Token).ConfigureAwait(false);
            return transport;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await DisposeQuietly(transport, socket).ConfigureAwait(false);
            throw new NatsConnectionException($"Connecting to {address} timed out after {opts.ConnectTimeout.TotalMilliseconds:0} ms.");
        }
        catch (Exception ex) when (ex is SocketException or IOException or System.Security.Authentication.AuthenticationException)
        {
            await DisposeQuietly(transport, socket).ConfigureAwait(false);
            throw new NatsConnectionException($"Could not connect to {address}: {ex.Message}", ex);
        }
        catch
        {
            await DisposeQuietly(transport, socket).ConfigureAwait(false);
            throw;
        }
    }

    private static async ValueTask DisposeQuietly(Transport? transport, Socket socket)
    {
        if (transport is not null)
        {
            await transport.DisposeAsync().ConfigureAwait(false);
        }
        else
        {
            socket.Dispose();
        }
    }

    private async Task HandshakeAsync(NatsOpts opts, CancellationToken cancellationToken)
    {
        var info = await ReadFrameAsync(cancellationToken).ConfigureAwait(false);
        if (info.Op != ServerOp.Info)
        {
            throw new NatsConnectionException($"{Address} did not start with INFO; is it a NATS server?");
        }

        var tlsRequired = opts.Tls.Required || Address.Tls;
        if (tlsRequired && !Info.TlsRequired && !Info.TlsAvailable)
        {
            throw new NatsConnectionException($"TLS is required by the client but {Address} does not offer it.");
        }

        if (tlsRequired || Info.TlsRequired)
        {
            await UpgradeToTlsAsync(opts.Tls, cancellationToken).ConfigureAwait(false);
        }

        var connect = BuildConnect(opts, Address, tlsRequired || Info.TlsRequired);
        await Stream.WriteAsync(connect, cancellationToken).ConfigureAwait(false);
        await Stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var frame = await ReadFrameAsync(cancellationToken).ConfigureAwait(false);
            switch (frame.Op)
            {
                case ServerOp.Pong:
                    return;
                case ServerOp.Err:
                    throw new NatsServerException(frame.Text);
                default:
                    continue;
            }
        }
    }

    private async Task UpgradeToTlsAsync(NatsTlsOpts tls, CancellationToken cancellationToken)
    {
        var ca = tls.LoadCa();
        var ssl = new SslStream(Stream, leaveInnerStreamOpen: false);
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = Address.Host,
            RemoteCertificateValidationCallback = (_, certificate, chain, errors) => Validate(tls, ca, certificate, chain, errors),
        };
        if (tls.CertFile is not null)
        {
            var clientCertificate = X509Certificate2.CreateFromPemFile(tls.CertFile, tls.KeyFile);
            options.ClientCertificates = [clientCertificate];
        }

        await ssl.AuthenticateAsClientAsync(options, cancellationToken).ConfigureAwait(false);
        Stream = ssl;
    }

    private static bool Validate(NatsTlsOpts tls, X509Certificate2Collection? ca, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (tls.InsecureSkipVerify || errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (ca is null || certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            return false;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(ca);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return custom.Build(new X509Certificate2(certificate));
    }

    private static byte[] BuildConnect(NatsOpts opts, NatsServerAddress address, bool tls)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        buffer.Write("CONNECT "u8);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteBoolean("verbose", false);
            json.WriteBoolean("pedantic", false);
            json.WriteBoolean("tls_required", tls);
            if (opts.Name is not null)
            {
                json.WriteString("name", opts.Name);
            }

            json.WriteString("lang", ".NET");
            json.WriteString("version", NatsTelemetry.Version);
            json.WriteNumber("protocol", 1);
            json.WriteBoolean("echo", opts.Echo);
            json.WriteBoolean("headers", true);
            json.WriteBoolean("no_responders", true);
            var user = opts.Username ?? address.User;
            var password = opts.Username is not null ? opts.Password : address.Password ?? opts.Password;
            var token = opts.Token ?? address.Token;
            if (user is not null)
            {
                json.WriteString("user", user);
                json.WriteString("pass", password ?? string.Empty);
            }
            else if (token is not null)
            {
                json.WriteString("auth_token", token);
            }

            json.WriteEndObject();
        }

        buffer.Write("\r\nPING\r\n"u8);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads one control frame during the handshake (no messages arrive before PONG).</summary>
    private async Task<(ServerOp Op, string Text)> ReadFrameAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (TryParseControl(out var op, out var text))
            {
                return (op, text);
            }

            if (!await ReadMoreAsync(0, cancellationToken).ConfigureAwait(false))
            {
                throw new NatsConnectionException($"{Address} closed the connection during the handshake.");
            }
        }
    }

    private bool TryParseControl(out ServerOp op, out string text)
    {
        op = ServerOp.None;
        text = string.Empty;
        if (!ProtocolParser.TryParse(_buffer.AsSpan(Start, End - Start), out var frame, out var consumed, out _))
        {
            return false;
        }

        op = frame.Op;
        if (op == ServerOp.Info)
        {
            UpdateInfo(frame.Text);
        }
        else if (op == ServerOp.Err)
        {
            text = Encoding.UTF8.GetString(frame.Text);
        }

        Start += consumed;
        return true;
    }

    /// <summary>Parses an INFO payload and keeps it as <see cref="Info"/>.</summary>
    public NatsServerInfo UpdateInfo(ReadOnlySpan<byte> json)
    {
        try
        {
            Info = JsonSerializer.Deserialize(json, NatsInternalJsonContext.Default.NatsServerInfo) ?? Info;
        }
        catch (JsonException ex)
        {
            throw new NatsProtocolException($"The server's INFO is not valid JSON: {ex.Message}");
        }

        return Info;
    }

    /// <summary>
    /// Reads more bytes, first compacting the buffer and growing it so that <paramref name="needed"/> bytes
    /// (a whole frame, when known) fit. Returns false at end of stream.
    /// </summary>
    public async ValueTask<bool> ReadMoreAsync(int needed, CancellationToken cancellationToken)
    {
        if (Start == End)
        {
            Start = End = 0;
        }
        else if (End == _buffer.Length || needed > _buffer.Length - Start)
        {
            var remaining = End - Start;
            var target = _buffer;
            if (needed > _buffer.Length || remaining == _buffer.Length)
            {
                target = ArrayPool<byte>.Shared.Rent(Math.Max(needed, _buffer.Length * 2));
            }

            System.Buffer.BlockCopy(_buffer, Start, target, 0, remaining);
            if (!ReferenceEquals(target, _buffer))
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = target;
            }

            Start = 0;
            End = remaining;
        }

        var read = await Stream.ReadAsync(_buffer.AsMemory(End), cancellationToken).ConfigureAwait(false);
        End += read;
        return read > 0;
    }

    /// <summary>Returns to a small buffer after a large message was read.</summary>
    public void ShrinkIfIdle()
    {
        if (Start == End && _buffer.Length > 4 * InitialBufferSize)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = ArrayPool<byte>.Shared.Rent(InitialBufferSize);
            Start = End = 0;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await Closing.CancelAsync().ConfigureAwait(false);
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }

        await Stream.DisposeAsync().ConfigureAwait(false);
        _socket.Dispose();
        Closing.Dispose();
    }
}
