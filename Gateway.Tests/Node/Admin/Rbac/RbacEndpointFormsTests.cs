using Gateway.Node.Admin.Rbac;

namespace Gateway.Tests.Node.Admin.Rbac;

/// <summary>The lookup order of an Admin API path's permission forms, and how merged permissions decide.</summary>
public sealed class RbacEndpointFormsTests
{
    [Fact]
    public void Forms_GoFromTheExactPathToStar()
    {
        Assert.Equal(
            ["/services/s1/routes", "/default/services/s1/routes", "/services/*/routes", "/default/services/*/routes", "/services/s1/*", "/services/*/*", "/*/*/*", "*"],
            RbacEndpointForms.Of(["services", "s1", "routes"]));
        Assert.Equal(["/", "/default/", "*"], RbacEndpointForms.Of([]));
        Assert.Equal("/rbac/roles/*/endpoints/*/services", "/" + string.Join('/', RbacEndpointForms.RoutePattern(["rbac", "roles", "r", "endpoints", "default", "services"])));
    }

    [Theory]
    [InlineData("/services", RbacActions.Read, true)]
    [InlineData("/services", RbacActions.Create, true)]
    [InlineData("/services/s1", RbacActions.Read, false)]
    [InlineData("/consumers/c1", RbacActions.Read, true)]
    [InlineData("/consumers/c1", RbacActions.Delete, false)]
    [InlineData("/routes", RbacActions.Delete, true)]
    public void Permissions_FirstEntryNamingTheActionDecides_ADenyFirst(string path, RbacActions action, bool allowed)
    {
        var permissions = new RbacPermissions(
        [
            ("*", "/services", RbacActions.Read, false),
            ("default", "/services/*", RbacActions.All, true),
            ("*", "*", RbacActions.All, false),
            ("*", "/consumers/*", RbacActions.Delete, true),
        ], []);
        Assert.Equal(allowed, permissions.AllowsEndpoint(path.Split('/', StringSplitOptions.RemoveEmptyEntries), action));
    }

    [Fact]
    public void Permissions_RememberedDecisions_AnswerAsTheFirst_PastTheCapacityAndForASlashInASegment()
    {
        var permissions = new RbacPermissions([("*", "/services/*", RbacActions.Read, false), ("*", "/a/b", RbacActions.Read, false)], []);
        for (var i = 0; i < RbacPermissions.DecisionCapacity + 10; i++)
        {
            Assert.True(permissions.AllowsEndpoint(["services", $"s{i}"], RbacActions.Read));
            Assert.False(permissions.AllowsEndpoint(["services", $"s{i}"], RbacActions.Delete));
        }

        Assert.True(permissions.AllowsEndpoint(["services", "s1"], RbacActions.Read));
        Assert.False(permissions.AllowsEndpoint(["routes", "r1"], RbacActions.Read));
        Assert.True(permissions.AllowsEndpoint(["a", "b"], RbacActions.Read));
        Assert.False(permissions.AllowsEndpoint(["a", "b"], RbacActions.Update));
        Assert.False(permissions.AllowsEndpoint(["a/b", "c"], RbacActions.Read));
    }

    [Fact]
    public void EntityPermissions_OwnEntryThenStar()
    {
        var permissions = new RbacPermissions([], [("e1", RbacActions.Read, false), ("e2", RbacActions.All, true), ("*", RbacActions.Read | RbacActions.Update, false)]);
        Assert.True(permissions.AllowsEntity("e1", RbacActions.Read));
        Assert.True(permissions.AllowsEntity("e1", RbacActions.Update));
        Assert.False(permissions.AllowsEntity("e2", RbacActions.Read));
        Assert.True(permissions.AllowsEntity("other", RbacActions.Update));
        Assert.False(permissions.AllowsEntity("other", RbacActions.Delete));
    }
}
