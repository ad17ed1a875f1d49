using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Fluo.ServiceDefaults.Tests;

public class ServiceDiscoveryTests
{
    [Theory]
    [InlineData("http://backend")]
    [InlineData("https+http://backend")]
    public async Task Resolves_a_service_name_from_services_configuration(string baseAddress)
    {
        await using var backend = await TestWebApp.StartAsync(map: a => a.MapGet("/whoami", () => Results.Text("backend")));
        await using var caller = await TestWebApp.StartAsync(b =>
        {
            b.Configuration["services:backend:http:0"] = backend.Address.ToString();
            b.AddServiceDefaults();
            b.Services.AddHttpClient("backend", c => c.BaseAddress = new Uri(baseAddress));
        });

        var client = caller.Services.GetRequiredService<IHttpClientFactory>().CreateClient("backend");

        Assert.Equal("backend", await client.GetStringAsync("/whoami"));
    }
}
