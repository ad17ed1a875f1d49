namespace Fluo.Nats.Internal;

/// <summary>One server address with the credentials that came with its URL.</summary>
internal sealed record NatsServerAddress(string Host, int Port, bool Tls, string? User, string? Password, string? Token, bool Implicit)
{
    public override string ToString() => $"{(Tls ? "tls" : "nats")}://{Host}:{Port}";

    public bool SameEndpoint(NatsServerAddress other) =>
        Port == other.Port && string.Equals(Host, other.Host, StringComparison.OrdinalIgnoreCase);

    /// <summary>Parses <c>nats://user:pass@host:port</c>, <c>tls://token@host</c> or <c>host:port</c>.</summary>
    /// <exception cref="ArgumentException">The URL is not usable.</exception>
    public static NatsServerAddress Parse(string url, bool isImplicit = false)
    {
        var text = url.Trim();
        if (!text.Contains("://", StringComparison.Ordinal))
        {
            text = "nats://" + text;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw new ArgumentException($"'{url}' is not a NATS server URL (expected nats://[user:password@]host[:port]).", nameof(url));
        }

        var tls = uri.Scheme switch
        {
            "nats" or "ws" => false,
            "tls" or "wss" => true,
            _ => throw new ArgumentException($"'{url}' has the unsupported scheme '{uri.Scheme}'; use nats:// or tls://.", nameof(url)),
        };
        string? user = null, password = null, token = null;
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                token = Uri.UnescapeDataString(uri.UserInfo);
            }
            else
            {
                user = Uri.UnescapeDataString(uri.UserInfo[..colon]);
                password = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
            }
        }

        var port = uri.IsDefaultPort || uri.Port <= 0 ? 4222 : uri.Port;
        return new NatsServerAddress(uri.IdnHost.Trim('[', ']'), port, tls, user, password, token, isImplicit);
    }
}

/// <summary>The servers the connection may use: configured ones plus those the cluster announces.</summary>
internal sealed class ServerPool
{
    private readonly Lock _lock = new();
    private readonly List<NatsServerAddress> _servers = [];
    private readonly bool _randomize;

    public ServerPool(string urls, bool noRandomize)
    {
        _randomize = !noRandomize;
        foreach (var url in urls.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            _servers.Add(NatsServerAddress.Parse(url));
        }

        if (_servers.Count == 0)
        {
            throw new ArgumentException("NatsOpts.Url holds no server URL.", nameof(urls));
        }

        if (_randomize)
        {
            Random.Shared.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_servers));
        }
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _servers.Count;
            }
        }
    }

    /// <summary>Adds servers from INFO <c>connect_urls</c>, with the credentials of the first configured server.</summary>
    public int AddDiscovered(IReadOnlyList<string>? connectUrls)
    {
        if (connectUrls is null)
        {
            return 0;
        }

        var added = 0;
        lock (_lock)
        {
            var template = _servers[0];
            foreach (var url in connectUrls)
            {
                NatsServerAddress found;
                try
                {
                    found = NatsServerAddress.Parse(url, isImplicit: true) with
                    {
                        Tls = template.Tls,
                        User = template.User,
                        Password = template.Password,
                        Token = template.Token,
                    };
                }
                catch (ArgumentException)
                {
                    continue;
                }

                if (!_servers.Exists(s => s.SameEndpoint(found)))
                {
                    var index = _randomize ? Random.Shared.Next(_servers.Count + 1) : _servers.Count;
                    _servers.Insert(index, found);
                    added++;
                }
            }
        }

        return added;
    }

    /// <summary>The order to try servers in: every other server first, <paramref name="avoid"/> last.</summary>
    public List<NatsServerAddress> Candidates(NatsServerAddress? avoid)
    {
        lock (_lock)
        {
            var list = new List<NatsServerAddress>(_servers.Count);
            foreach (var server in _servers)
            {
                if (avoid is null || !server.SameEndpoint(avoid))
                {
                    list.Add(server);
                }
            }

            if (avoid is not null)
            {
                list.Add(_servers.Find(s => s.SameEndpoint(avoid)) ?? avoid);
            }

            return list;
        }
    }
}
