using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Gateway.Cluster.Joining;

/// <summary>
/// Starts the node's silo in place of Orleans' own hosted service, which holds the host's start until the silo has
/// joined: the node's listeners (proxy, Admin API, status) would wait on the membership table. The host's start
/// waits for the silo as before while the table answers, so that a silo failing to start (its port taken) is still a
/// start-up failure; once the table does not answer, it returns and the silo goes on joining in the background.
/// </summary>
internal sealed class SiloStarter(Silo silo, ClusterJoin join, IHostApplicationLifetime lifetime, ILogger<SiloStarter> logger) : IHostedService
{
    private Task _starting = Task.CompletedTask;

    /// <inheritdoc/>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var starting = silo.StartAsync(lifetime.ApplicationStopping);
        if (await Task.WhenAny(starting, join.TableUnreachable.WaitAsync(cancellationToken)) == starting)
        {
            await starting;
            join.OnJoined();
            return;
        }

        _starting = JoinInBackgroundAsync(starting);
    }

    /// <inheritdoc/>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _starting;
        await silo.StopAsync(cancellationToken);
    }

    private async Task JoinInBackgroundAsync(Task starting)
    {
        try
        {
            await starting;
            join.OnJoined();
            logger.LogWarning("the silo has joined the cluster");
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // The node stopped before the cluster was reachable.
        }
        catch (Exception e)
        {
            // Reported as the node's exit reason: one line, as any other start-up failure.
            join.OnFailed($"the silo could not join the cluster: {e.Message}");
        }
    }
}
