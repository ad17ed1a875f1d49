using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Fluo.Contracts.Events;
using Fluo.Contracts.Messaging;
using Fluo.Nats.JetStream;
using Fluo.Web.Users;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Fluo.Web.Pages;

/// <summary>Sign-in: checks the password against <c>web_users</c>, issues the cookie and publishes <c>events.user.login</c>.</summary>
public sealed partial class LoginModel(UserStore users, UserSeeder seeder, INatsJSContext js, ILogger<LoginModel> logger) : PageModel
{
    /// <summary>The user name.</summary>
    [BindProperty, Required]
    public string? UserName { get; set; }

    /// <summary>The password.</summary>
    [BindProperty, Required, DataType(DataType.Password)]
    public string? Password { get; set; }

    /// <summary>Where to go after signing in.</summary>
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    /// <summary>Shows the form.</summary>
    public void OnGet()
    {
    }

    /// <summary>Signs in.</summary>
    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }

        using (var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            wait.CancelAfter(TimeSpan.FromSeconds(10));
            try
            {
                await seeder.Ready.WaitAsync(wait.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                ModelState.AddModelError(string.Empty, "The user database is not reachable yet; try again shortly.");
                return Page();
            }
        }

        var user = await users.VerifyAsync(UserName!, Password!, cancellationToken);
        if (user is null)
        {
            ModelState.AddModelError(string.Empty, "Wrong user name or password.");
            return Page();
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, user.UserName)], CookieAuthenticationDefaults.AuthenticationScheme);
        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
        try
        {
            await js.PublishAsync(Subjects.UserLogin, new UserLogin(user.UserName, DateTimeOffset.UtcNow, HttpContext.Connection.RemoteIpAddress?.ToString()),
                cancellationToken: cancellationToken);
        }
        catch (Exception ex) when (ex is Fluo.Nats.NatsException or TimeoutException)
        {
            // Signing in must not depend on NATS; the event is an audit trail, logged when it cannot be sent.
            LogLoginEventLost(logger, user.UserName, ex.Message);
        }

        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "events.user.login for {User} not published: {Reason}")]
    private static partial void LogLoginEventLost(ILogger logger, string user, string reason);
}
