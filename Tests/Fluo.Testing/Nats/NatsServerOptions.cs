namespace Fluo.Testing.Nats;

/// <summary>How a test <see cref="NatsServer"/> is configured.</summary>
public sealed record NatsServerOptions
{
    /// <summary>Enable JetStream with a store under the server's temporary directory.</summary>
    public bool JetStream { get; init; } = true;

    /// <summary>Open a plain (no TLS) WebSocket listener on a free port.</summary>
    public bool WebSocket { get; init; }

    /// <summary>Require this user (with <see cref="Password"/>).</summary>
    public string? User { get; init; }

    /// <summary>The password for <see cref="User"/>.</summary>
    public string? Password { get; init; }

    /// <summary>Require this token instead of a user.</summary>
    public string? Token { get; init; }

    /// <summary>PEM certificate for server TLS (TLS required of clients when set).</summary>
    public string? TlsCertFile { get; init; }

    /// <summary>PEM private key for <see cref="TlsCertFile"/>.</summary>
    public string? TlsKeyFile { get; init; }

    /// <summary>Require client certificates signed by <see cref="TlsCaFile"/>.</summary>
    public bool TlsVerify { get; init; }

    /// <summary>CA used to verify client certificates when <see cref="TlsVerify"/> is on.</summary>
    public string? TlsCaFile { get; init; }

    /// <summary>Server name (unique per server in a cluster); generated when null.</summary>
    public string? ServerName { get; init; }

    /// <summary>Raw configuration text appended to the generated file.</summary>
    public string? ExtraConfig { get; init; }

    /// <summary>How long start-up may take before the fixture gives up.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(20);
}
