namespace Fluo.Nats.Protocol;

/// <summary>Operations the server sends.</summary>
internal enum ServerOp
{
    None,
    Msg,
    HMsg,
    Ping,
    Pong,
    Ok,
    Err,
    Info,
}
