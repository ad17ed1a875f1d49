namespace Fluo.Web.Tests;

public class PlaceholderTests
{
    [Fact]
    public void Project_builds() => Assert.NotNull(typeof(Program).Assembly);
}
