using Fluo.Hosting.Dashboard.Otlp;

namespace Fluo.Hosting.Tests.Dashboard;

public sealed class TextPoolTests
{
    [Fact]
    public void Equal_texts_come_back_as_one_instance()
    {
        var pool = new TextPool(16);
        var first = pool.Share(new string("publish jobs.trace_analysis".AsSpan()));
        var second = pool.Share(new string("publish jobs.trace_analysis".AsSpan()));
        Assert.Same(first, second);
        Assert.Same(pool.ShareValue(new string("POST".AsSpan())), pool.ShareValue(new string("POST".AsSpan())));
        Assert.Null(pool.ShareOrNull(null));
    }

    [Fact]
    public void Long_values_and_texts_past_the_capacity_are_kept_as_given()
    {
        var pool = new TextPool(2);
        var id = new string('a', TextPool.MaxValueLength + 8);
        var copy = new string(id.AsSpan());
        Assert.Same(id, pool.ShareValue(id));
        Assert.Same(copy, pool.ShareValue(copy)); // a 32-character id is a value too long to pool

        // The same length as a name is pooled.
        Assert.Same(id, pool.Share(id));
        Assert.Same(id, pool.Share(copy));

        pool.Share("two");
        var third = new string("three".AsSpan());
        Assert.Same(third, pool.Share(third));
        Assert.NotSame(third, pool.Share(new string("three".AsSpan()))); // full: nothing more is added
        Assert.Same(pool.Share("two"), pool.Share(new string("two".AsSpan())));
    }
}
