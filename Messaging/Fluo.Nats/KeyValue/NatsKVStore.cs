using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Fluo.Nats.JetStream;

namespace Fluo.Nats.KeyValue;

/// <summary>A bucket: puts are JetStream publishes to <c>$KV.&lt;bucket&gt;.&lt;key&gt;</c>, reads are direct gets.</summary>
internal sealed partial class NatsKVStore : INatsKVStore
{
    private static readonly NatsRawSerializer<ReadOnlyMemory<byte>> Raw = NatsRawSerializer<ReadOnlyMemory<byte>>.Default;
    private readonly INatsJSContext _js;
    private readonly string _stream;
    private readonly string _prefix;
    private readonly bool _direct;

    public NatsKVStore(INatsJSContext js, string bucket, bool allowDirect)
    {
        _js = js;
        Bucket = bucket;
        _stream = NatsKVNames.Stream(bucket);
        _prefix = NatsKVNames.SubjectPrefix(bucket);
        _direct = allowDirect;
    }

    public string Bucket { get; }

    private INatsConnection Connection => _js.Connection;

    public async ValueTask<ulong> PutAsync<T>(string key, T value, INatsSerialize<T>? serializer = null, CancellationToken cancellationToken = default)
    {
        NatsKVNames.ValidateKey(key);
        var ack = await _js.PublishAsync(_prefix + key, value, serializer: serializer, cancellationToken: cancellationToken).ConfigureAwait(false);
        return ack.Seq;
    }

    public async ValueTask<ulong> CreateAsync<T>(string key, T value, INatsSerialize<T>? serializer = null, CancellationToken cancellationToken = default)
    {
        try
        {
            return await UpdateAsync(key, value, 0, serializer, cancellationToken).ConfigureAwait(false);
        }
        catch (NatsKVWrongLastRevisionException ex)
        {
            // The key has entries: a create may still replace a delete or purge, at that revision. None any more
            // (expired meanwhile): the expected last subject sequence is 0 again.
            var latest = await GetAsync(key, 0, Raw, cancellationToken).ConfigureAwait(false);
            if (latest is { Operation: NatsKVOperation.Put })
            {
                throw new NatsKVCreateException(key, ex);
            }

            try
            {
                return await UpdateAsync(key, value, latest?.Revision ?? 0, serializer, cancellationToken).ConfigureAwait(false);
            }
            catch (NatsKVWrongLastRevisionException again)
            {
                throw new NatsKVCreateException(key, again);
            }
        }
    }

    public async ValueTask<ulong> UpdateAsync<T>(string key, T value, ulong revision, INatsSerialize<T>? serializer = null, CancellationToken cancellationToken = default)
    {
        NatsKVNames.ValidateKey(key);
        try
        {
            var ack = await _js.PublishAsync(_prefix + key, value, new NatsJSPubOpts { ExpectedLastSubjectSequence = revision }, serializer: serializer, cancellationToken: cancellationToken).ConfigureAwait(false);
            return ack.Seq;
        }
        catch (NatsJSApiException ex) when (ex.ErrorCode == NatsJSErrorCodes.WrongLastSequence)
        {
            throw new NatsKVWrongLastRevisionException(key, revision, ex);
        }
    }

    public async ValueTask<NatsKVEntry<T>> GetEntryAsync<T>(string key, ulong revision = 0, INatsDeserialize<T>? serializer = null, CancellationToken cancellationToken = default)
    {
        var entry = await GetAsync(key, revision, serializer ?? Connection.Opts.SerializerRegistry.GetDeserializer<T>(), cancellationToken).ConfigureAwait(false);
        if (entry is null)
        {
            throw new NatsKVKeyNotFoundException(Bucket, key, revision == 0 ? null : $"Key '{key}' has no revision {revision} in bucket '{Bucket}'.");
        }

        if (entry.Operation != NatsKVOperation.Put)
        {
            throw new NatsKVKeyDeletedException(Bucket, key, entry.Revision, entry.Operation);
        }

        return entry;
    }

    public ValueTask DeleteAsync(string key, ulong? revision = null, CancellationToken cancellationToken = default) =>
        MarkAsync(key, "DEL", rollup: false, revision, cancellationToken);

    public ValueTask PurgeAsync(string key, ulong? revision = null, CancellationToken cancellationToken = default) =>
        MarkAsync(key, "PURGE", rollup: true, revision, cancellationToken);

    public async ValueTask<NatsKVStatus> GetStatusAsync(CancellationToken cancellationToken = default) =>
        new(Bucket, await _js.GetStreamAsync(_stream, cancellationToken).ConfigureAwait(false));

    private async ValueTask MarkAsync(string key, string operation, bool rollup, ulong? revision, CancellationToken cancellationToken)
    {
        NatsKVNames.ValidateKey(key);
        var headers = new NatsHeaders { [NatsKVNames.OperationHeader] = operation };
        if (rollup)
        {
            headers["Nats-Rollup"] = "sub";
        }

        var opts = revision is { } expected ? new NatsJSPubOpts { ExpectedLastSubjectSequence = expected } : null;
        try
        {
            await _js.PublishAsync(_prefix + key, ReadOnlyMemory<byte>.Empty, opts, headers, Raw, cancellationToken).ConfigureAwait(false);
        }
        catch (NatsJSApiException ex) when (ex.ErrorCode == NatsJSErrorCodes.WrongLastSequence && revision is { } r)
        {
            throw new NatsKVWrongLastRevisionException(key, r, ex);
        }
    }

    /// <summary>The latest entry of a key (or a revision), deletes included; null when there is none.</summary>
    private async ValueTask<NatsKVEntry<T>?> GetAsync<T>(string key, ulong revision, INatsDeserialize<T> serializer, CancellationToken cancellationToken)
    {
        NatsKVNames.ValidateKey(key);
        var subject = _prefix + key;
        return _direct
            ? await DirectGetAsync(key, subject, revision, serializer, cancellationToken).ConfigureAwait(false)
            : await MsgGetAsync(key, subject, revision, serializer, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>DIRECT.GET</c> (2.9.0+): the reply is the stored message itself, its place in the stream in headers.</summary>
    private async ValueTask<NatsKVEntry<T>?> DirectGetAsync<T>(string key, string subject, ulong revision, INatsDeserialize<T> serializer, CancellationToken cancellationToken)
    {
        var api = $"{_js.Opts.Prefix}.DIRECT.GET.{_stream}";
        ReadOnlyMemory<byte> body = ReadOnlyMemory<byte>.Empty;
        if (revision == 0)
        {
            api = $"{api}.{subject}";
        }
        else
        {
            body = JsonSerializer.SerializeToUtf8Bytes(new StreamMsgGetRequest { Seq = revision }, JetStream.Serialization.NatsJSJsonContext.Default.StreamMsgGetRequest);
        }

        var timeout = _js.Opts.RequestTimeout ?? Connection.Opts.RequestTimeout;
        var reply = await Connection.RequestAsync(api, body, null, timeout, Raw, Raw, cancellationToken).ConfigureAwait(false);
        var headers = reply.Headers;
        if (headers is { Code: 404 })
        {
            return null;
        }

        if (headers is null || headers.Code >= 400)
        {
            throw new NatsKVException($"Direct get of '{key}' in bucket '{Bucket}' failed: {headers?.Code} {headers?.MessageText}");
        }

        if (headers.GetLastValue("Nats-Subject") != subject)
        {
            return null;
        }

        var sequence = ulong.Parse(headers.GetLastValue("Nats-Sequence") ?? "0", NumberStyles.None, CultureInfo.InvariantCulture);
        var created = ParseTime(headers.GetLastValue("Nats-Time-Stamp"));
        return ToEntry(key, sequence, created, headers, reply.Data, 0, serializer);
    }

    private async ValueTask<NatsKVEntry<T>?> MsgGetAsync<T>(string key, string subject, ulong revision, INatsDeserialize<T> serializer, CancellationToken cancellationToken)
    {
        StoredMsg msg;
        try
        {
            msg = await _js.GetMsgAsync(_stream, revision == 0 ? new StreamMsgGetRequest { LastBySubj = subject } : new StreamMsgGetRequest { Seq = revision }, cancellationToken).ConfigureAwait(false);
        }
        catch (NatsJSApiException ex) when (ex.ErrorCode == NatsJSErrorCodes.NoMessageFound)
        {
            return null;
        }

        return msg.Subject == subject ? ToEntry(key, msg.Seq, msg.Time, msg.Headers, msg.Data, 0, serializer) : null;
    }

    private NatsKVEntry<T> ToEntry<T>(string key, ulong revision, DateTimeOffset created, NatsHeaders? headers, ReadOnlyMemory<byte> data, ulong delta, INatsDeserialize<T> serializer)
    {
        var operation = NatsKVNames.Operation(headers);
        T? value = default;
        Exception? error = null;
        if (operation == NatsKVOperation.Put)
        {
            try
            {
                value = serializer.Deserialize(new ReadOnlySequence<byte>(data));
            }
            catch (NatsException ex)
            {
                error = ex;
            }
        }

        return new NatsKVEntry<T>(Bucket, key) { Value = value, Revision = revision, Created = created, Operation = operation, Delta = delta, Error = error };
    }

    /// <summary>RFC 3339 with up to nine fractional digits (the server's), cut to the seven .NET keeps.</summary>
    internal static DateTimeOffset ParseTime(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return default;
        }

        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0)
        {
            var end = dot + 1;
            while (end < text.Length && char.IsAsciiDigit(text[end]))
            {
                end++;
            }

            if (end - dot - 1 > 7)
            {
                text = string.Concat(text.AsSpan(0, dot + 8), text.AsSpan(end));
            }
        }

        return DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
    }
}
