using System.Text.Json.Nodes;
using Gateway.Plugins.Sdk;
using Gateway.Schema;

namespace Gateway.Node.Plugins.Aggregate;

/// <summary>
/// Backend-for-frontend aggregation (ours; KrakenD's merge and sequential proxy are the model): in the access phase,
/// after every other plugin has judged the request, calls the configured services (see <see cref="AggregateRun"/>)
/// and answers with their merged JSON (<see cref="AggregateAnswer"/>); the route's own upstream is not called, so
/// the route needs no service. The response plugins then run once on that answer, as on any other.
/// </summary>
public sealed class AggregatePlugin : GatewayPlugin<AggregateConfig>
{
    /// <inheritdoc />
    public override PluginSchema Schema => AggregateSchema.Schema;

    /// <inheritdoc />
    public override ValueTask AccessAsync(PluginContext context, AggregateConfig config)
    {
        if (context.Services is not { } services)
        {
            context.Error(500, "the aggregate plugin runs only on a node's proxy");
            return ValueTask.CompletedTask;
        }

        return AggregateRun.RunAsync(context, config, services);
    }

    /// <inheritdoc />
    protected override AggregateConfig CreateConfig(JsonObject config, PluginInstance instance)
    {
        var read = base.CreateConfig(config, instance);
        var positions = read.Backends.Select((b, i) => (b.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
        var backends = read.Backends.Select(b => b with
        {
            Template = PathTemplate.Parse(b.Path, out _)!,
            Dependencies = [.. b.DependsOn.Select(d => positions[d])],
        }).ToArray();
        return read with { Backends = backends, Order = DependencyOrder(backends) };
    }

    /// <summary>Positions in config order, each moved after its dependencies (the schema refused cycles).</summary>
    private static int[] DependencyOrder(AggregateBackend[] backends)
    {
        var order = new List<int>();
        void Visit(int index)
        {
            if (order.Contains(index))
            {
                return;
            }

            foreach (var dependency in backends[index].Dependencies)
            {
                Visit(dependency);
            }

            order.Add(index);
        }

        for (var i = 0; i < backends.Length; i++)
        {
            Visit(i);
        }

        return [.. order];
    }
}
