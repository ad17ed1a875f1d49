using Microsoft.Extensions.Configuration;

namespace Fluo.Hosting.Processes;

/// <summary>The AppHost's server binaries: configured paths (<c>FLUO_NATS_SERVER</c>, <c>FLUO_PG_BIN</c>) first, errors naming the resource.</summary>
internal static class ServerBinaries
{
    /// <summary>The <c>nats-server</c> executable, or an error message naming the resource.</summary>
    public static BinaryLookup FindNatsServer(IConfiguration configuration, string resourceName) =>
        ForResource(BinaryLocator.Find("nats-server", configuration["FLUO_NATS_SERVER"], "FLUO_NATS_SERVER", "nats-server"), resourceName);

    /// <summary>The PostgreSQL bin directory, or an error message naming the resource.</summary>
    public static BinaryLookup FindPostgresBin(IConfiguration configuration, string resourceName) =>
        ForResource(BinaryLocator.FindPostgresBin(configuration["FLUO_PG_BIN"]), resourceName);

    private static BinaryLookup ForResource(BinaryLookup lookup, string resourceName) =>
        lookup.Error is null ? lookup : lookup with { Error = $"Resource '{resourceName}': {lookup.Error}" };
}
