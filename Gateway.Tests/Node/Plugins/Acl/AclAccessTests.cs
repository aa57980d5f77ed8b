using System.Net;

namespace Gateway.Tests.Node.Plugins.Acl;

/// <summary>Kong's acl behaviour end to end behind key-auth (spec/03-plugins/18-acl/02-access_spec.lua).</summary>
public sealed class AclAccessTests(AuthNode auth) : IClassFixture<AuthNode>
{
    [Fact]
    public async Task WithoutAConsumer_Answers401()
    {
        var path = await auth.RouteAsync("""{"name":"acl","config":{"allow":["admin"]}}""");

        var answer = await auth.GetAsync(path);

        Assert.Equal(HttpStatusCode.Unauthorized, answer.Status);
        Assert.Equal("Unauthorized", answer.Message);
    }

    [Fact]
    public async Task AllowList_LetsMembersInWithTheirGroups()
    {
        var path = await auth.RouteAsync("""{"name":"key-auth"}""", """{"name":"acl","config":{"allow":["admin"]}}""");
        await MemberAsync("acl-admin", "admin", "dev");
        await MemberAsync("acl-dev", "dev");

        var admin = await auth.GetAsync(path, ("apikey", "acl-admin-key"), ("X-Consumer-Groups", "forged"));
        Assert.Equal("acl-admin", admin.Upstream("x-consumer-username"));
        Assert.Equal(["admin", "dev"], admin.Upstream("x-consumer-groups")!.Split(", ").Order());

        var dev = await auth.GetAsync(path, ("apikey", "acl-dev-key"));
        Assert.Equal(HttpStatusCode.Forbidden, dev.Status);
        Assert.Equal("You cannot consume this service", dev.Message);
    }

    [Fact]
    public async Task DenyList_RefusesMembersOnly()
    {
        var path = await auth.RouteAsync("""{"name":"key-auth"}""", """{"name":"acl","config":{"deny":["banned"]}}""");
        await MemberAsync("acl-banned", "banned", "dev");
        await MemberAsync("acl-fine", "dev");

        Assert.Equal("You cannot consume this service", (await auth.GetAsync(path, ("apikey", "acl-banned-key"))).Message);
        Assert.Equal("dev", (await auth.GetAsync(path, ("apikey", "acl-fine-key"))).Upstream("x-consumer-groups"));
    }

    [Fact]
    public async Task ConsumerWithoutGroups_IsRefusedByAnAllowList()
    {
        var path = await auth.RouteAsync("""{"name":"key-auth"}""", """{"name":"acl","config":{"allow":["admin"]}}""");
        await MemberAsync("acl-none");

        Assert.Equal(HttpStatusCode.Forbidden, (await auth.GetAsync(path, ("apikey", "acl-none-key"))).Status);
    }

    [Fact]
    public async Task HideGroupsHeader_KeepsGroupsFromTheUpstream()
    {
        var path = await auth.RouteAsync("""{"name":"key-auth"}""", """{"name":"acl","config":{"allow":["ops"],"hide_groups_header":true}}""");
        await MemberAsync("acl-hidden", "ops");

        var answer = await auth.GetAsync(path, ("apikey", "acl-hidden-key"));

        Assert.Equal("acl-hidden", answer.Upstream("x-consumer-username"));
        Assert.Null(answer.Upstream("x-consumer-groups"));
    }

    [Fact]
    public async Task GroupChanges_ApplyToTheNextRequest()
    {
        var path = await auth.RouteAsync("""{"name":"key-auth"}""", """{"name":"acl","config":{"allow":["beta"]}}""");
        var consumer = await MemberAsync("acl-changing", "alpha");
        Assert.Equal(HttpStatusCode.Forbidden, (await auth.GetAsync(path, ("apikey", "acl-changing-key"))).Status);

        var acl = await auth.Node.CreateAsync($"/consumers/{consumer}/acls", """{"group":"beta"}""");
        Assert.Equal(["alpha", "beta"], (await auth.GetAsync(path, ("apikey", "acl-changing-key"))).Upstream("x-consumer-groups")!.Split(", ").Order());

        using var deleted = await auth.Node.Admin.DeleteAsync($"/acls/{acl["id"]}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await auth.GetAsync(path, ("apikey", "acl-changing-key"))).Status);
    }

    [Fact]
    public async Task AnonymousConsumer_IsJudgedByItsOwnGroups()
    {
        var anonymous = await MemberAsync("acl-anonymous", "guests");
        var guests = await auth.RouteAsync($$$"""{"name":"key-auth","config":{"anonymous":"{{{anonymous}}}"}}""", """{"name":"acl","config":{"allow":["guests","staff"]}}""");
        var staffOnly = await auth.RouteAsync($$$"""{"name":"key-auth","config":{"anonymous":"{{{anonymous}}}"}}""", """{"name":"acl","config":{"allow":["staff"]}}""");
        await MemberAsync("acl-staff", "staff");

        var guest = await auth.GetAsync(guests);
        Assert.Equal("acl-anonymous", guest.Upstream("x-consumer-username"));
        Assert.Equal("guests", guest.Upstream("x-consumer-groups"));
        Assert.Equal(HttpStatusCode.Forbidden, (await auth.GetAsync(staffOnly)).Status);
        Assert.Equal("staff", (await auth.GetAsync(staffOnly, ("apikey", "acl-staff-key"))).Upstream("x-consumer-groups"));
    }

    [Fact]
    public async Task AnonymousConsumerWithoutGroups_FailsAnAllowListAs401_AndPassesADenyListWithEmptyGroups()
    {
        // Kong's 02-access_spec "with authentication without groups": 401 for allow, 200 and an empty X-Consumer-Groups for deny.
        var anonymous = await MemberAsync("acl-groupless-anonymous");
        var allow = await auth.RouteAsync($$$"""{"name":"key-auth","config":{"anonymous":"{{{anonymous}}}"}}""", """{"name":"acl","config":{"allow":["everyone"]}}""");
        var deny = await auth.RouteAsync($$$"""{"name":"key-auth","config":{"anonymous":"{{{anonymous}}}"}}""", """{"name":"acl","config":{"deny":["everyone"]}}""");

        var refused = await auth.GetAsync(allow);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
        Assert.Equal("Unauthorized", refused.Message);

        var passed = await auth.GetAsync(deny);
        Assert.Equal(HttpStatusCode.OK, passed.Status);
        Assert.Equal("acl-groupless-anonymous", passed.Upstream("x-consumer-username"));
        Assert.Equal("", passed.Upstream("x-consumer-groups"));
    }

    [Fact]
    public async Task ConsumerWithCredentialButNoGroups_IsForbiddenNotUnauthorized()
    {
        var path = await auth.RouteAsync("""{"name":"key-auth"}""", """{"name":"acl","config":{"allow":["admin"]}}""");
        await MemberAsync("acl-groupless");

        var answer = await auth.GetAsync(path, ("apikey", "acl-groupless-key"));

        Assert.Equal(HttpStatusCode.Forbidden, answer.Status);
        Assert.Equal("You cannot consume this service", answer.Message);
    }

    /// <summary>Creates a consumer with key "{username}-key" in the given groups; returns its id.</summary>
    private async Task<string> MemberAsync(string username, params string[] groups)
    {
        var consumer = (await auth.ConsumerAsync(username))["id"]!.GetValue<string>();
        await auth.Node.CreateAsync($"/consumers/{consumer}/key-auth", $$"""{"key":"{{username}}-key"}""");
        foreach (var group in groups)
        {
            await auth.Node.CreateAsync($"/consumers/{consumer}/acls", $$"""{"group":"{{group}}"}""");
        }

        return consumer;
    }
}
