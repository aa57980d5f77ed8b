using System.Text.Json.Nodes;
using Gateway.Schema;
using Gateway.Storage.Store;

namespace Gateway.Tests.Storage.Store;

/// <summary>
/// What every <see cref="IConfigStore"/> must do, written once. Each store subclasses this and
/// supplies a fresh, empty store per test (xunit makes a new instance for every test).
/// </summary>
public abstract class StoreContractTests : IAsyncLifetime
{
    /// <summary>2024-01-02T03:04:05.678Z, the time every write of these tests happens at.</summary>
    private const long Now = 1704164645678;

    private IConfigStore? _store;

    /// <summary>The store under test, initialized.</summary>
    protected IConfigStore Store => _store ?? throw new InvalidOperationException("not initialized");

    /// <summary>A new store on an empty database, not yet initialized.</summary>
    protected abstract Task<IConfigStore> CreateStoreAsync(SchemaRegistry registry, TimeProvider time);

    /// <summary>Removes the database <see cref="CreateStoreAsync"/> made; runs after the store is disposed.</summary>
    protected virtual Task CleanUpAsync() => Task.CompletedTask;

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        _store = await CreateStoreAsync(TestSchemas.Registry, new FixedTime(DateTimeOffset.FromUnixTimeMilliseconds(Now)));
        await _store.InitializeAsync();
    }

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }

        await CleanUpAsync();
    }

    [Fact]
    public async Task Insert_ThenGet_ReturnsTheSameRow()
    {
        var service = Service("billing", "a", "b");

        await Store.InsertAsync("services", service);

        AssertRow(service, await Store.GetAsync("services", Id(service)));
        Assert.Null(await Store.GetAsync("services", NewId()));
        Assert.Null(await Store.GetAsync("routes", Id(service)));
    }

    [Fact]
    public async Task Writes_AnswerTheVersionTheirTransactionCommitted()
    {
        var service = Service("billing");
        var route = Route("r1", Id(service));
        var plugin = Plugin("cors", route: Id(route));

        var inserted = await Store.InsertAsync("services", service);
        Assert.Equal(await Store.GetVersionAsync(), inserted.Version);
        Assert.Equal(2, (await Store.InsertAsync("routes", route)).Version);
        Assert.Equal(3, (await Store.UpsertAsync("plugins", plugin)).Version);
        service["host"] = "example.com";
        var updated = await Store.UpdateAsync("services", service);
        Assert.Equal(StoreWriteResult.Committed(4), updated);
        Assert.Equal(await Store.GetVersionAsync(), updated.Version);

        var deleted = await Store.DeleteAsync("routes", Id(route));

        Assert.True(deleted.Applied);
        Assert.Null(deleted.Refusal);
        Assert.Equal(await Store.GetVersionAsync(), deleted.Version);
        Assert.Equal(
            [("plugins", ChangeKind.Delete), ("routes", ChangeKind.Delete)],
            (await Store.GetChangesSinceAsync(4)).Select(c => (c.Entity, c.Kind)));
        Assert.All(await Store.GetChangesSinceAsync(4), c => Assert.Equal(deleted.Version, c.Version));
    }

    [Fact]
    public async Task InitializeAsync_RunTwice_KeepsTheData()
    {
        var service = Service("billing");
        await Store.InsertAsync("services", service);

        await Store.InitializeAsync();

        AssertRow(service, await Store.GetAsync("services", Id(service)));
        Assert.Equal(1, await Store.GetVersionAsync());
    }

    [Fact]
    public async Task Insert_ExistingId_IsRefusedWithPrimaryKeyViolation()
    {
        var service = Service("billing");
        await Store.InsertAsync("services", service);
        var again = Service("other");
        again["id"] = Id(service);

        var error = await RefusedAsync<WriteRefusal.PrimaryKeyViolation>(Store.InsertAsync("services", again));

        Assert.Equal($"primary key violation on key '{{id=\"{Id(service)}\"}}'", error.Message);
        Assert.Equal(Id(service), error.Id);
        Assert.Equal(1, await Store.GetVersionAsync());
        Assert.Null(await Store.GetByFieldAsync("services", "name", "other"));
    }

    [Fact]
    public async Task Update_ExistingRow_ReplacesItAndItsUniqueKeys()
    {
        var service = Service("billing", "old");
        await Store.InsertAsync("services", service);
        var renamed = service.DeepClone().AsObject();
        renamed["name"] = "invoicing";
        renamed["tags"] = new JsonArray("new");

        Assert.True((await Store.UpdateAsync("services", renamed)).Applied);

        AssertRow(renamed, await Store.GetAsync("services", Id(service)));
        Assert.Null(await Store.GetByFieldAsync("services", "name", "billing"));
        AssertRow(renamed, await Store.GetByFieldAsync("services", "name", "invoicing"));
        Assert.Empty((await Store.ListTagsAsync("old", 10, null)).Data);
        Assert.Equal([new TagRow("new", "services", Id(service))], (await Store.ListTagsAsync(null, 10, null)).Data);

        // The old name is free again.
        await Store.InsertAsync("services", Service("billing"));
    }

    [Fact]
    public async Task Update_KeepingItsOwnUniqueValues_Succeeds()
    {
        var plugin = Plugin("cors");
        await Store.InsertAsync("plugins", plugin);
        var service = Service("billing");
        await Store.InsertAsync("services", service);
        service["host"] = "example.com";
        plugin["config"] = new JsonObject { ["origins"] = "*" };

        Assert.True((await Store.UpdateAsync("services", service)).Applied);
        Assert.True((await Store.UpdateAsync("plugins", plugin)).Applied);

        AssertRow(service, await Store.GetAsync("services", Id(service)));
        AssertRow(plugin, await Store.GetAsync("plugins", Id(plugin)));
    }

    [Fact]
    public async Task Update_MissingRow_ReturnsFalseAndBumpsNothing()
    {
        var service = Service("billing");

        Assert.Equal(StoreWriteResult.NotFound, await Store.UpdateAsync("services", service));

        Assert.Null(await Store.GetAsync("services", Id(service)));
        Assert.Equal(0, await Store.GetVersionAsync());
        Assert.Empty(await Store.GetChangesSinceAsync(0));
    }

    [Fact]
    public async Task Upsert_CreatesThenReplaces()
    {
        var service = Service("billing");

        await Store.UpsertAsync("services", service);
        AssertRow(service, await Store.GetAsync("services", Id(service)));

        service["name"] = "invoicing";
        await Store.UpsertAsync("services", service);

        AssertRow(service, await Store.GetAsync("services", Id(service)));
        Assert.Null(await Store.GetByFieldAsync("services", "name", "billing"));
        Assert.Single((await Store.ListAsync("services", new ListQuery(10))).Data);
        Assert.Equal(2, await Store.GetVersionAsync());
    }

    [Fact]
    public async Task Upsert_TakenName_IsRefusedAndKeepsTheOldRow()
    {
        await Store.InsertAsync("services", Service("billing"));
        var other = Service("other");
        await Store.InsertAsync("services", other);
        var clash = other.DeepClone().AsObject();
        clash["name"] = "billing";

        var error = await RefusedAsync<WriteRefusal.UniqueViolation>(Store.UpsertAsync("services", clash));

        Assert.Equal("UNIQUE violation detected on '{name=\"billing\"}'", error.Message);
        AssertRow(other, await Store.GetAsync("services", Id(other)));
        Assert.Equal(2, await Store.GetVersionAsync());
    }

    [Fact]
    public async Task Delete_ExistingRow_RemovesItAndItsKeys()
    {
        var service = Service("billing", "a");
        await Store.InsertAsync("services", service);

        Assert.True((await Store.DeleteAsync("services", Id(service))).Applied);

        Assert.Null(await Store.GetAsync("services", Id(service)));
        Assert.Null(await Store.GetByFieldAsync("services", "name", "billing"));
        Assert.Empty((await Store.ListTagsAsync(null, 10, null)).Data);
        Assert.Equal(2, await Store.GetVersionAsync());
        await Store.InsertAsync("services", Service("billing"));
    }

    [Fact]
    public async Task Delete_MissingRow_ReturnsFalseAndBumpsNothing()
    {
        await Store.InsertAsync("services", Service("billing"));

        Assert.Equal(StoreWriteResult.NotFound, await Store.DeleteAsync("services", NewId()));

        Assert.Equal(1, await Store.GetVersionAsync());
        Assert.Single(await Store.GetChangesSinceAsync(0));
    }

    [Fact]
    public async Task Insert_TakenUniqueField_IsRefusedWithKongsKey()
    {
        await Store.InsertAsync("consumers", Consumer("alice", "c-1"));

        var byUsername = await RefusedAsync<WriteRefusal.UniqueViolation>(Store.InsertAsync("consumers", Consumer("alice", "c-2")));
        var byCustomId = await RefusedAsync<WriteRefusal.UniqueViolation>(Store.InsertAsync("consumers", Consumer("bob", "c-1")));

        Assert.Equal("UNIQUE violation detected on '{username=\"alice\"}'", byUsername.Message);
        Assert.Equal("consumers", byUsername.Entity);
        Assert.Equal("""{"username":"alice"}""", byUsername.Key.ToJsonString());
        Assert.Equal("UNIQUE violation detected on '{custom_id=\"c-1\"}'", byCustomId.Message);
        Assert.Equal("""{"custom_id":"c-1"}""", byCustomId.Key.ToJsonString());
        Assert.Single((await Store.ListAsync("consumers", new ListQuery(10))).Data);
        Assert.Equal(1, await Store.GetVersionAsync());
    }

    [Fact]
    public async Task Insert_NullUniqueFields_DoNotCollide()
    {
        await Store.InsertAsync("consumers", Consumer("alice", null));
        await Store.InsertAsync("consumers", Consumer("bob", null));

        Assert.Equal(2, (await Store.ListAsync("consumers", new ListQuery(10))).Data.Count);
    }

    [Fact]
    public async Task Insert_TakenCacheKey_IsRefusedWithEveryKeyField()
    {
        var service = Service("billing");
        await Store.InsertAsync("services", service);
        await Store.InsertAsync("plugins", Plugin("basic-auth", service: Id(service)));
        await Store.InsertAsync("plugins", Plugin("basic-auth"));
        await Store.InsertAsync("plugins", Plugin("key-auth", service: Id(service)));

        var error = await RefusedAsync<WriteRefusal.UniqueViolation>(Store.InsertAsync("plugins", Plugin("basic-auth", service: Id(service))));

        Assert.Equal(
            $"UNIQUE violation detected on '{{consumer=null,name=\"basic-auth\",route=null,service={{id=\"{Id(service)}\"}}}}'",
            error.Message);
        Assert.Equal("plugins", error.Entity);
        Assert.Equal($$$"""{"consumer":null,"name":"basic-auth","route":null,"service":{"id":"{{{Id(service)}}}"}}""", error.Key.ToJsonString());
        var global = await RefusedAsync<WriteRefusal.UniqueViolation>(Store.InsertAsync("plugins", Plugin("basic-auth")));
        Assert.Equal("UNIQUE violation detected on '{consumer=null,name=\"basic-auth\",route=null,service=null}'", global.Message);
        Assert.Equal(4, await Store.GetVersionAsync());
    }

    [Fact]
    public async Task Insert_MissingForeignEntity_IsRefusedAndStoresNothing()
    {
        var missing = NewId();
        var route = Route("r1", missing);

        var error = await RefusedAsync<WriteRefusal.ForeignKeyViolation>(Store.InsertAsync("routes", route));

        Assert.Equal($"the foreign key '{{id=\"{missing}\"}}' does not reference an existing 'services' entity.", error.Message);
        Assert.Equal("service", error.Field);
        Assert.Equal(missing, error.Id);
        Assert.Null(await Store.GetAsync("routes", Id(route)));
        Assert.Null(await Store.GetByFieldAsync("routes", "name", "r1"));
        Assert.Equal(0, await Store.GetVersionAsync());
    }

    [Fact]
    public async Task Update_ToMissingForeignEntity_IsRefusedAndKeepsTheOldRow()
    {
        var service = Service("billing");
        await Store.InsertAsync("services", service);
        var route = Route("r1", Id(service));
        await Store.InsertAsync("routes", route);
        var moved = route.DeepClone().AsObject();
        moved["service"] = new JsonObject { ["id"] = NewId() };

        await RefusedAsync<WriteRefusal.ForeignKeyViolation>(Store.UpdateAsync("routes", moved));

        AssertRow(route, await Store.GetAsync("routes", Id(route)));
        Assert.Single((await Store.ListAsync("routes", new ListQuery(10, ForeignField: "service", ForeignId: Id(service)))).Data);
        Assert.Equal(2, await Store.GetVersionAsync());
    }

    [Fact]
    public async Task Update_ToTakenUniqueValue_LeavesTheOldRowAndVersion()
    {
        await Store.InsertAsync("services", Service("billing"));
        var other = Service("other", "t");
        await Store.InsertAsync("services", other);
        var clash = other.DeepClone().AsObject();
        clash["name"] = "billing";
        clash["tags"] = new JsonArray("u");

        var error = await RefusedAsync<WriteRefusal.UniqueViolation>(Store.UpdateAsync("services", clash));

        Assert.Equal("UNIQUE violation detected on '{name=\"billing\"}'", error.Message);
        AssertRow(other, await Store.GetAsync("services", Id(other)));
        AssertRow(other, await Store.GetByFieldAsync("services", "name", "other"));
        Assert.Equal([new TagRow("t", "services", Id(other))], (await Store.ListTagsAsync(null, 10, null)).Data);
        Assert.Equal(2, await Store.GetVersionAsync());
        Assert.Equal(2, (await Store.GetChangesSinceAsync(0)).Count);
    }

    [Fact]
    public async Task Delete_RestrictedByAChild_RefusesAndKeepsEverything()
    {
        var service = Service("billing");
        await Store.InsertAsync("services", service);
        var route = Route("r1", Id(service));
        await Store.InsertAsync("routes", route);

        var error = await RefusedAsync<WriteRefusal.ReferencedByOthers>(Store.DeleteAsync("services", Id(service)));

        Assert.Equal("an existing 'routes' entity references this 'services' entity", error.Message);
        Assert.Equal("routes", error.Child);
        AssertRow(service, await Store.GetAsync("services", Id(service)));
        AssertRow(route, await Store.GetAsync("routes", Id(route)));
        Assert.Equal(2, await Store.GetVersionAsync());
    }

    [Fact]
    public async Task Delete_RestrictedWithCascadingChildren_RollsBackTheCascade()
    {
        var service = Service("billing");
        await Store.InsertAsync("services", service);
        var plugin = Plugin("cors", service: Id(service));
        await Store.InsertAsync("plugins", plugin);
        await Store.InsertAsync("routes", Route("r1", Id(service)));

        await RefusedAsync<WriteRefusal.ReferencedByOthers>(Store.DeleteAsync("services", Id(service)));

        AssertRow(plugin, await Store.GetAsync("plugins", Id(plugin)));
        await RefusedAsync<WriteRefusal.UniqueViolation>(Store.InsertAsync("plugins", Plugin("cors", service: Id(service))));
        Assert.Equal(3, await Store.GetVersionAsync());
        Assert.Equal(3, (await Store.GetChangesSinceAsync(0)).Count);
    }

    [Fact]
    public async Task Delete_Cascade_RemovesChildrenAndGrandchildrenAndLogsEach()
    {
        var upstream = Upstream("u1");
        var other = Upstream("u2");
        await Store.InsertAsync("upstreams", upstream);
        await Store.InsertAsync("upstreams", other);
        var targets = new[] { Target(Id(upstream), "a:80"), Target(Id(upstream), "b:80") };
        var kept = Target(Id(other), "c:80");
        foreach (var target in targets.Append(kept))
        {
            await Store.InsertAsync("targets", target);
        }

        var labels = new[] { Label(Id(targets[0]), "x"), Label(Id(targets[0]), "y"), Label(Id(targets[1]), "z") };
        var keptLabel = Label(Id(kept), "w");
        foreach (var label in labels.Append(keptLabel))
        {
            await Store.InsertAsync("target_labels", label);
        }

        var before = await Store.GetVersionAsync();

        Assert.True((await Store.DeleteAsync("upstreams", Id(upstream))).Applied);

        Assert.Equal(before + 1, await Store.GetVersionAsync());
        foreach (var (entity, row) in targets.Select(t => ("targets", t)).Concat(labels.Select(l => ("target_labels", l))).Append(("upstreams", upstream)))
        {
            Assert.Null(await Store.GetAsync(entity, Id(row)));
        }

        AssertRow(other, await Store.GetAsync("upstreams", Id(other)));
        AssertRow(kept, await Store.GetAsync("targets", Id(kept)));
        AssertRow(keptLabel, await Store.GetAsync("target_labels", Id(keptLabel)));

        // Children before their parent, siblings in id order.
        var expected = new List<ConfigChange>();
        foreach (var target in targets.OrderBy(Id, StringComparer.Ordinal))
        {
            expected.AddRange(labels.Where(l => EntityId(l["target"]) == Id(target)).OrderBy(Id, StringComparer.Ordinal)
                .Select(l => new ConfigChange(before + 1, "target_labels", Id(l), ChangeKind.Delete, Now)));
            expected.Add(new ConfigChange(before + 1, "targets", Id(target), ChangeKind.Delete, Now));
        }

        expected.Add(new ConfigChange(before + 1, "upstreams", Id(upstream), ChangeKind.Delete, Now));
        Assert.Equal(expected, await Store.GetChangesSinceAsync(before));
        await Store.InsertAsync("upstreams", Upstream("u1"));
    }

    [Fact]
    public async Task Delete_ParentOfCacheKeyedRows_CascadesThroughEveryForeignField()
    {
        var service = Service("billing");
        await Store.InsertAsync("services", service);
        var route = Route("r1", Id(service));
        await Store.InsertAsync("routes", route);
        var consumer = Consumer("alice", null);
        await Store.InsertAsync("consumers", consumer);
        var both = Plugin("acl", route: Id(route), consumer: Id(consumer));
        await Store.InsertAsync("plugins", both);

        Assert.True((await Store.DeleteAsync("routes", Id(route))).Applied);

        Assert.Null(await Store.GetAsync("plugins", Id(both)));
        Assert.Empty((await Store.ListAsync("plugins", new ListQuery(10, ForeignField: "consumer", ForeignId: Id(consumer)))).Data);
        Assert.True((await Store.DeleteAsync("services", Id(service))).Applied);
        await Store.InsertAsync("plugins", Plugin("acl", consumer: Id(consumer)));
    }

    [Fact]
    public async Task Version_BumpsOncePerWrite_AndTheChangeLogListsEveryRowInOrder()
    {
        var a = Service("a");
        var b = Service("b");
        Assert.Equal(0, await Store.GetVersionAsync());

        await Store.InsertAsync("services", a);
        await Store.InsertAsync("services", b);
        a["host"] = "example.com";
        await Store.UpdateAsync("services", a);
        await Store.UpsertAsync("services", Service("c"));
        await Store.DeleteAsync("services", Id(b));

        Assert.Equal(5, await Store.GetVersionAsync());
        var changes = await Store.GetChangesSinceAsync(0);
        Assert.Equal(
            [
                new ConfigChange(1, "services", Id(a), ChangeKind.Upsert, Now),
                new ConfigChange(2, "services", Id(b), ChangeKind.Upsert, Now),
                new ConfigChange(3, "services", Id(a), ChangeKind.Upsert, Now),
                new ConfigChange(4, "services", changes[3].Id, ChangeKind.Upsert, Now),
                new ConfigChange(5, "services", Id(b), ChangeKind.Delete, Now),
            ],
            changes);
        Assert.Equal(changes.Skip(3), await Store.GetChangesSinceAsync(3));
        Assert.Empty(await Store.GetChangesSinceAsync(5));
    }

    [Fact]
    public async Task List_250RowsBy100_ReturnsEveryRowOnceInIdOrder()
    {
        var ids = new List<string>();
        for (var i = 0; i < 250; i++)
        {
            var service = Service($"service-{i}");
            ids.Add(Id(service));
            await Store.InsertAsync("services", service);
        }

        var seen = new List<string>();
        var sizes = new List<int>();
        string? offset = null;
        do
        {
            var page = await Store.ListAsync("services", new ListQuery(100, offset));
            sizes.Add(page.Data.Count);
            seen.AddRange(page.Data.Select(Id));
            offset = page.Offset;
        }
        while (offset is not null);

        Assert.Equal([100, 100, 50], sizes);
        Assert.Equal(ids.Order(StringComparer.Ordinal), seen);
    }

    [Fact]
    public async Task List_LastFullPage_HasNoOffset()
    {
        for (var i = 0; i < 4; i++)
        {
            await Store.InsertAsync("services", Service($"s{i}"));
        }

        var first = await Store.ListAsync("services", new ListQuery(2));
        var second = await Store.ListAsync("services", new ListQuery(2, first.Offset));

        Assert.NotNull(first.Offset);
        Assert.Equal(2, second.Data.Count);
        Assert.Null(second.Offset);
        var empty = await Store.ListAsync("routes", new ListQuery(100));
        Assert.Empty(empty.Data);
        Assert.Null(empty.Offset);
    }

    [Theory]
    [InlineData("x")]
    [InlineData("not base64!")]
    [InlineData("%%%%")]
    public async Task List_OffsetNotIssuedByTheStore_Throws(string offset)
    {
        var error = await Assert.ThrowsAsync<InvalidOffsetException>(() => Store.ListAsync("services", new ListQuery(10, offset)));
        var tagsError = await Assert.ThrowsAsync<InvalidOffsetException>(() => Store.ListTagsAsync(null, 10, offset));

        Assert.Equal($"'{offset}' is not a valid offset: bad base64 encoding", error.Message);
        Assert.Equal(error.Message, tagsError.Message);
    }

    [Fact]
    public async Task ListTags_OffsetOfAnotherShape_Throws()
    {
        var offset = Convert.ToBase64String("just an id"u8);

        var error = await Assert.ThrowsAsync<InvalidOffsetException>(() => Store.ListTagsAsync(null, 10, offset));

        Assert.Equal($"'{offset}' is not a valid offset: bad json encoding", error.Message);
    }

    [Fact]
    public async Task List_TagsFilter_MatchesAllOrAny()
    {
        var ab = Service("ab", "a", "b");
        var a = Service("a", "a");
        var bc = Service("bc", "b", "c");
        var none = Service("none");
        foreach (var service in new[] { ab, a, bc, none })
        {
            await Store.InsertAsync("services", service);
        }

        await Store.InsertAsync("upstreams", Upstream("u", "a", "b"));

        async Task<string[]> Names(TagFilter filter) =>
            [.. (await Store.ListAsync("services", new ListQuery(100, Tags: filter))).Data.Select(s => s["name"]!.GetValue<string>()).Order()];

        Assert.Equal(["ab"], await Names(new TagFilter(["a", "b"], MatchAll: true)));
        Assert.Equal(["a", "ab", "bc"], await Names(new TagFilter(["a", "b"], MatchAll: false)));
        Assert.Equal(["a", "ab"], await Names(new TagFilter(["a", "a"], MatchAll: true)));
        Assert.Empty(await Names(new TagFilter(["a", "c"], MatchAll: true)));
        Assert.Equal(["bc"], await Names(new TagFilter(["c", "z"], MatchAll: false)));
        Assert.Empty(await Names(new TagFilter(["z"], MatchAll: false)));
    }

    [Fact]
    public async Task List_TagsFilter_PagesLikeAnyList()
    {
        for (var i = 0; i < 5; i++)
        {
            await Store.InsertAsync("services", Service($"t{i}", "t"));
            await Store.InsertAsync("services", Service($"u{i}", "u"));
        }

        var filter = new TagFilter(["t"], MatchAll: true);
        var first = await Store.ListAsync("services", new ListQuery(3, Tags: filter));
        var second = await Store.ListAsync("services", new ListQuery(3, first.Offset, filter));

        Assert.Equal(3, first.Data.Count);
        Assert.Equal(2, second.Data.Count);
        Assert.Null(second.Offset);
        Assert.All(first.Data.Concat(second.Data), s => Assert.StartsWith("t", s["name"]!.GetValue<string>(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task List_ForeignFilter_ReturnsOnlyTheChildrenOfThatParent()
    {
        var s1 = Service("s1");
        var s2 = Service("s2");
        await Store.InsertAsync("services", s1);
        await Store.InsertAsync("services", s2);
        var r1 = Route("r1", Id(s1));
        var r2 = Route("r2", Id(s1));
        var r3 = Route("r3", Id(s2));
        var orphan = Route("r4", null);
        foreach (var route in new[] { r1, r2, r3, orphan })
        {
            await Store.InsertAsync("routes", route);
        }

        var ofS1 = await Store.ListAsync("routes", new ListQuery(100, ForeignField: "service", ForeignId: Id(s1)));
        var ofS2 = await Store.ListAsync("routes", new ListQuery(100, ForeignField: "service", ForeignId: Id(s2)));
        var ofNone = await Store.ListAsync("routes", new ListQuery(100, ForeignField: "service", ForeignId: NewId()));

        Assert.Equal(new[] { Id(r1), Id(r2) }.Order(StringComparer.Ordinal), ofS1.Data.Select(Id));
        Assert.Equal([Id(r3)], ofS2.Data.Select(Id));
        Assert.Empty(ofNone.Data);
        Assert.Equal(4, (await Store.ListAsync("routes", new ListQuery(100))).Data.Count);
    }

    [Fact]
    public async Task GetByField_FindsByUniqueFieldAndEndpointKey()
    {
        var upstream = Upstream("u1");
        await Store.InsertAsync("upstreams", upstream);
        var target = Target(Id(upstream), "10.0.0.1:80");
        await Store.InsertAsync("targets", target);

        AssertRow(upstream, await Store.GetByFieldAsync("upstreams", "name", "u1"));
        AssertRow(upstream, await Store.GetByFieldAsync("upstreams", "id", Id(upstream)));
        AssertRow(target, await Store.GetByFieldAsync("targets", "target", "10.0.0.1:80"));
        Assert.Null(await Store.GetByFieldAsync("upstreams", "name", "u2"));
        Assert.Null(await Store.GetByFieldAsync("targets", "target", "10.0.0.2:80"));
    }

    [Fact]
    public async Task NamesWithQuotesSemicolonsAndUnicode_RoundTrip()
    {
        const string name = "it's \"quoted\"; DROP TABLE entities; -- ünïcødé 日本語 🚀 \\ %_";
        const string tag = "tag'; DELETE FROM tags; --ü🚀";
        var service = Service(name, tag);
        await Store.InsertAsync("services", service);

        AssertRow(service, await Store.GetAsync("services", Id(service)));
        AssertRow(service, await Store.GetByFieldAsync("services", "name", name));
        Assert.Null(await Store.GetByFieldAsync("services", "name", "it's \"quoted\"; DROP TABLE entities; -- ünïcødé 日本語 🚀 \\ %x"));
        Assert.Equal([Id(service)], (await Store.ListAsync("services", new ListQuery(10, Tags: new TagFilter([tag], true)))).Data.Select(Id));
        Assert.Equal([new TagRow(tag, "services", Id(service))], (await Store.ListTagsAsync(tag, 10, null)).Data);
        var error = await RefusedAsync<WriteRefusal.UniqueViolation>(Store.InsertAsync("services", Service(name)));
        // Penlight's pretty.write quotes as Lua's %q when the text holds both quote kinds: \ and " escaped.
        Assert.Equal("UNIQUE violation detected on '{name=\"it's \\\"quoted\\\"; DROP TABLE entities; -- ünïcødé 日本語 🚀 \\\\ %_\"}'", error.Message);
    }

    [Fact]
    public async Task ListTags_PagesInTagEntityIdOrder()
    {
        var s1 = Service("s1", "blue", "red");
        var s2 = Service("s2", "red");
        var u1 = Upstream("u1", "red", "green");
        await Store.InsertAsync("services", s1);
        await Store.InsertAsync("services", s2);
        await Store.InsertAsync("upstreams", u1);
        var expected = new[]
        {
            new TagRow("blue", "services", Id(s1)),
            new TagRow("green", "upstreams", Id(u1)),
        }
        .Concat(new[] { Id(s1), Id(s2) }.Order(StringComparer.Ordinal).Select(id => new TagRow("red", "services", id)))
        .Append(new TagRow("red", "upstreams", Id(u1)))
        .ToList();

        var all = new List<TagRow>();
        string? offset = null;
        var pages = 0;
        do
        {
            var page = await Store.ListTagsAsync(null, 2, offset);
            all.AddRange(page.Data);
            offset = page.Offset;
            pages++;
        }
        while (offset is not null);

        Assert.Equal(expected, all);
        Assert.Equal(3, pages);
        var red = await Store.ListTagsAsync("red", 2, null);
        var redRest = await Store.ListTagsAsync("red", 2, red.Offset);
        Assert.Equal(expected.Where(t => t.Tag == "red"), red.Data.Concat(redRest.Data));
        Assert.Null(redRest.Offset);
        Assert.Empty((await Store.ListTagsAsync("purple", 2, null)).Data);
    }

    [Fact]
    public async Task ConcurrentInserts_AllLandWithDistinctVersions()
    {
        var services = Enumerable.Range(0, 50).Select(i => Service($"parallel-{i}")).ToList();

        await Task.WhenAll(services.Select(s => Task.Run(() => Store.InsertAsync("services", s))));

        Assert.Equal(50, await Store.GetVersionAsync());
        var changes = await Store.GetChangesSinceAsync(0);
        Assert.Equal(Enumerable.Range(1, 50).Select(v => (long)v), changes.Select(c => c.Version));
        Assert.Equal(services.Select(Id).Order(StringComparer.Ordinal), changes.Select(c => c.Id).Order(StringComparer.Ordinal));
        Assert.Equal(50, (await Store.ListAsync("services", new ListQuery(100))).Data.Count);
    }

    [Fact]
    public async Task IsReachable_OnAWorkingStore_IsTrue()
    {
        Assert.True(await Store.IsReachableAsync());
    }

    /// <summary>The refusal, of kind <typeparamref name="T"/>, of a write the store must refuse; nothing was applied.</summary>
    protected static async Task<T> RefusedAsync<T>(Task<StoreWriteResult> write)
        where T : WriteRefusal
    {
        var result = await write;
        Assert.False(result.Applied);
        Assert.Equal(0, result.Version);
        return Assert.IsType<T>(result.Refusal);
    }

    private static string NewId() => Guid.NewGuid().ToString();

    private static string Id(JsonObject row) => row["id"]!.GetValue<string>();

    private static string? EntityId(JsonNode? foreign) => foreign?["id"]?.GetValue<string>();

    private static JsonObject? Ref(string? id) => id is null ? null : new JsonObject { ["id"] = id };

    private static JsonArray? TagList(string[] tags) => tags.Length == 0 ? null : new JsonArray([.. tags.Select(t => (JsonNode)t)]);

    private static JsonObject Service(string name, params string[] tags) => new()
    {
        ["id"] = NewId(),
        ["created_at"] = 1700000000,
        ["name"] = name,
        ["host"] = "upstream.test",
        ["tags"] = TagList(tags),
    };

    private static JsonObject Route(string name, string? serviceId) => new()
    {
        ["id"] = NewId(),
        ["name"] = name,
        ["service"] = Ref(serviceId),
        ["tags"] = null,
    };

    private static JsonObject Consumer(string username, string? customId) => new()
    {
        ["id"] = NewId(),
        ["username"] = username,
        ["custom_id"] = customId,
        ["tags"] = null,
    };

    private static JsonObject Plugin(string name, string? route = null, string? service = null, string? consumer = null) => new()
    {
        ["id"] = NewId(),
        ["name"] = name,
        ["route"] = Ref(route),
        ["service"] = Ref(service),
        ["consumer"] = Ref(consumer),
        ["config"] = new JsonObject(),
        ["tags"] = null,
    };

    private static JsonObject Upstream(string name, params string[] tags) => new()
    {
        ["id"] = NewId(),
        ["name"] = name,
        ["tags"] = TagList(tags),
    };

    private static JsonObject Target(string upstreamId, string target) => new()
    {
        ["id"] = NewId(),
        ["upstream"] = Ref(upstreamId),
        ["target"] = target,
        ["tags"] = null,
    };

    private static JsonObject Label(string targetId, string label) => new()
    {
        ["id"] = NewId(),
        ["target"] = Ref(targetId),
        ["label"] = label,
    };

    private static void AssertRow(JsonObject expected, JsonObject? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.ToJsonString(), actual.ToJsonString());
    }

    /// <summary>A clock that stands still, so change-log times are exact.</summary>
    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
