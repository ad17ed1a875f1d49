using Fluo.Nats;
using Fluo.Nats.JetStream;
using Fluo.Nats.KeyValue;
using Fluo.Testing.Nats;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Fluo.ServiceDefaults.Tests;

public class JetStreamRegistrationTests
{
    [Fact]
    public async Task JetStream_and_key_value_are_singletons_on_the_registered_connection_and_work()
    {
        await using var nats = await NatsServer.StartAsync();
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["ConnectionStrings:nats"] = nats.Url;
        builder.AddNatsClient("nats");
        builder.AddNatsJetStream();
        builder.AddNatsKeyValue();
        builder.AddNatsJetStream();
        using var host = builder.Build();

        var js = host.Services.GetRequiredService<INatsJSContext>();
        Assert.Same(js, host.Services.GetRequiredService<INatsJSContext>());
        Assert.Same(host.Services.GetRequiredService<INatsConnection>(), js.Connection);
        Assert.Single(host.Services.GetServices<INatsJSContext>());
        var kv = host.Services.GetRequiredService<INatsKVContext>();
        Assert.Same(js, kv.JetStreamContext);

        var store = await kv.CreateStoreAsync("settings");
        await store.PutAsync("mode", "on");
        Assert.Equal("on", (await store.GetEntryAsync<string>("mode")).Value);
        Assert.Equal("KV_settings", (await js.GetStreamAsync("KV_settings")).Config.Name);
    }

    [Fact]
    public void Key_value_alone_brings_jetstream_and_keyed_variants_use_the_keyed_connection()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["ConnectionStrings:nats"] = "nats://127.0.0.1:4222";
        builder.Configuration["ConnectionStrings:events"] = "nats://127.0.0.1:4223";
        builder.AddNatsClient("nats");
        builder.AddNatsKeyValue();
        builder.AddKeyedNatsClient("events");
        builder.AddKeyedNatsKeyValue("events");
        using var host = builder.Build();

        Assert.Same(host.Services.GetRequiredService<INatsJSContext>(), host.Services.GetRequiredService<INatsKVContext>().JetStreamContext);
        var keyedJs = host.Services.GetRequiredKeyedService<INatsJSContext>("events");
        Assert.Same(host.Services.GetRequiredKeyedService<INatsConnection>("events"), keyedJs.Connection);
        Assert.Equal("nats://127.0.0.1:4223", keyedJs.Connection.Opts.Url);
        Assert.Same(keyedJs, host.Services.GetRequiredKeyedService<INatsKVContext>("events").JetStreamContext);
        Assert.NotSame(keyedJs, host.Services.GetRequiredService<INatsJSContext>());
    }

    [Fact]
    public void JetStream_without_a_nats_client_fails_on_resolve()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.AddNatsJetStream(new NatsJSOpts { Domain = "hub" });
        using var host = builder.Build();
        Assert.Throws<InvalidOperationException>(() => host.Services.GetRequiredService<INatsJSContext>());
    }
}
