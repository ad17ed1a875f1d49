using Fluo.Web.Auth;
using Fluo.Web.Live;
using Fluo.Web.Users;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Fluo.Web;

/// <summary>The dashboard's services and endpoints.</summary>
public static class Extensions
{
    /// <summary>NATS (with the live feed), fluodb (users, key ring), cookie sign-in, Razor Pages and the Api's HTTP client.</summary>
    public static void AddWebServices(this IHostApplicationBuilder builder)
    {
        builder.AddFluoMessaging();
        builder.AddFluoDatabase();
        builder.Services.AddOptions<WebOptions>().BindConfiguration(WebOptions.Section);
        builder.Services.AddSingleton(TimeProvider.System);

        builder.Services.AddDataProtection().SetApplicationName("fluo-web");
        builder.Services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp =>
            new ConfigureOptions<KeyManagementOptions>(o => o.XmlRepository = new PostgresXmlRepository(sp.GetRequiredService<NpgsqlDataSource>())));
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(o =>
            {
                o.LoginPath = "/login";
                o.Cookie.Name = "fluo.auth";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.SlidingExpiration = true;
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
            });
        builder.Services.AddAuthorization();
        builder.Services.AddAntiforgery(o => o.Cookie.Name = "fluo.af");
        builder.Services.AddRazorPages(o =>
        {
            o.Conventions.AuthorizeFolder("/");
            o.Conventions.AllowAnonymousToPage("/Login");
        });

        builder.Services.AddSingleton<UserStore>();
        builder.Services.AddSingleton<UserSeeder>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<UserSeeder>());
        builder.Services.AddSingleton<LiveTokens>();
        builder.Services.AddBackendClient<WebOptions>(o => o.BackendTimeout);
        builder.Services.AddSingleton<LiveMetrics>();
        builder.Services.AddSingleton<LiveHub>();
        builder.Services.AddSingleton<JobBoard>();
        builder.Services.AddSingleton<LiveReplay>();
        builder.Services.AddSingleton<LiveFeed>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<LiveFeed>());

        // Rules are written through the Api (it owns validation, the outbox and the back-test job).
        builder.Services.AddHttpClient("api", client => client.BaseAddress = new Uri(builder.Configuration["Fluo:Web:ApiUrl"] ?? "http://api"));
    }

    /// <summary>Static files, sign-in, antiforgery, WebSockets, the pages, <c>/ws</c> and <c>/api/token</c>.</summary>
    public static WebApplication MapWeb(this WebApplication app)
    {
        app.UseStaticFiles();
        CorkedTransport.Use(app, LiveGateway.Path);
        app.UseWebSockets();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapRazorPages();
        app.MapLiveGateway();
        app.MapAuthApi();
        return app;
    }
}
