using System.Net;
using System.Text.Json;
using Fluo.Contracts.Messaging;
using Fluo.Nats.JetStream;
using Microsoft.Extensions.DependencyInjection;

namespace Fluo.Web.Tests;

public sealed class SignInTests(WebFixture fixture) : IClassFixture<WebFixture>
{
    private WebApp App => fixture.App;

    [Fact]
    public async Task The_seeded_admin_signs_in_with_antiforgery_and_events_user_login_is_published()
    {
        var js = App.Services.GetRequiredService<INatsJSContext>();
        var before = (await js.GetStreamAsync(FluoTopology.EventsStream)).State.LastSeq;
        var (client, cookies) = App.NewBrowser();
        using (client)
        {
            using var response = await WebApp.SignInAsync(client, "admin", WebApp.AdminPassword);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal("/", response.Headers.Location?.OriginalString);
            Assert.Contains(cookies.GetAllCookies(), c => c.Name == "fluo.auth");

            var msg = await js.GetMsgAsync(FluoTopology.EventsStream, new StreamMsgGetRequest { LastBySubj = Subjects.UserLogin });
            Assert.True(msg.Seq > before);
            using var login = JsonDocument.Parse(msg.Data);
            Assert.Equal("admin", login.RootElement.GetProperty("userName").GetString());
            Assert.Equal("127.0.0.1", login.RootElement.GetProperty("remoteAddress").GetString());

            using var overview = await client.GetAsync("/");
            Assert.Equal(HttpStatusCode.OK, overview.StatusCode);
        }
    }

    [Fact]
    public async Task A_wrong_password_is_rejected_without_a_cookie_or_an_event()
    {
        var js = App.Services.GetRequiredService<INatsJSContext>();
        var before = (await js.GetStreamAsync(FluoTopology.EventsStream)).State.LastSeq;
        var (client, cookies) = App.NewBrowser();
        using (client)
        {
            using var response = await WebApp.SignInAsync(client, "admin", "not-the-password");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("Wrong user name or password", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.DoesNotContain(cookies.GetAllCookies(), c => c.Name == "fluo.auth");
            using var unknown = await WebApp.SignInAsync(client, "nobody", "x");
            Assert.Contains("Wrong user name or password", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var after = await js.GetStreamAsync(FluoTopology.EventsStream);
        var logins = 0;
        for (var seq = before + 1; seq <= after.State.LastSeq; seq++)
        {
            if ((await js.GetMsgAsync(FluoTopology.EventsStream, new StreamMsgGetRequest { Seq = seq })).Subject == Subjects.UserLogin)
            {
                logins++;
            }
        }

        Assert.Equal(0, logins);
    }

    [Fact]
    public async Task A_sign_in_post_without_the_antiforgery_token_is_refused()
    {
        var (client, cookies) = App.NewBrowser();
        using (client)
        {
            using var response = await WebApp.SignInAsync(client, "admin", WebApp.AdminPassword, withAntiforgery: false);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.DoesNotContain(cookies.GetAllCookies(), c => c.Name == "fluo.auth");
        }
    }

    [Fact]
    public async Task Pages_need_sign_in_and_render_for_a_signed_in_user_even_without_a_backend()
    {
        var (anonymous, _) = App.NewBrowser();
        using (anonymous)
        using (var response = await anonymous.GetAsync("/signals"))
        {
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("/login", response.Headers.Location?.PathAndQuery ?? response.Headers.Location?.OriginalString, StringComparison.Ordinal);
        }

        var (client, _) = await App.SignedInBrowserAsync();
        using (client)
        {
            foreach (var (path, expected) in new[]
            {
                ("/", "Consumer lag"), ("/signals", "could not be loaded"), ("/jobs", "Dead letters"), ("/rules", "could not be loaded"),
                ("/system", "web-replay"), ("/trace/0af7651916cd43dd8448eb211c80319c", "could not be loaded"),
            })
            {
                using var response = await client.GetAsync(path);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                var html = await response.Content.ReadAsStringAsync();
                Assert.Contains(expected, html, StringComparison.Ordinal);
                Assert.Contains("id=\"live-status\"", html, StringComparison.Ordinal);
                if (html.Contains("<form method=\"post\"", StringComparison.Ordinal))
                {
                    Assert.Matches(WebApp.AntiforgeryField(), html);
                }
            }
        }
    }
}
