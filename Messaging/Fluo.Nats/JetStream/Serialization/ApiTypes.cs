namespace Fluo.Nats.JetStream.Serialization;

/// <summary>The <c>error</c> object of an API response.</summary>
internal sealed record ApiError(int Code, int ErrCode, string? Description);

internal sealed record StreamNamesRequest(int Offset, string? Subject);

internal sealed record StreamNamesResponse(int Total, int Offset, int Limit, IReadOnlyList<string>? Streams);

internal sealed record StreamListResponse(int Total, int Offset, int Limit, IReadOnlyList<StreamInfo>? Streams);

internal sealed record ConsumerNamesResponse(int Total, int Offset, int Limit, IReadOnlyList<string>? Consumers);

internal sealed record ConsumerListResponse(int Total, int Offset, int Limit, IReadOnlyList<ConsumerInfo>? Consumers);

internal sealed record OffsetRequest(int Offset);

internal sealed record SuccessResponse(bool Success);

internal sealed record PurgeResponse(bool Success, ulong Purged);

internal sealed record ConsumerCreateRequest(string StreamName, ConsumerConfig Config);

internal sealed record MsgGetResponse(RawStoredMsg? Message);

internal sealed record RawStoredMsg(string Subject, ulong Seq, byte[]? Hdrs, byte[]? Data, DateTimeOffset Time);

/// <summary>Body of a pull request (<c>CONSUMER.MSG.NEXT</c>).</summary>
internal sealed record PullRequest
{
    public int Batch { get; init; }

    public TimeSpan Expires { get; init; }

    public long? MaxBytes { get; init; }

    public TimeSpan? IdleHeartbeat { get; init; }

    public bool? NoWait { get; init; }
}

internal sealed record NakDelay(TimeSpan Delay);
