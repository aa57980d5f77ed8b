using System.Reflection;

namespace Gateway.Tests.Support;

/// <summary>
/// Runs every [Fact] and [Theory] case of a contract suite (an abstract test class) on one store, each on a new
/// instance, and names every failure. For stores whose tests must be skipped where their server is absent (Cassandra):
/// xunit 2.9.3 fixes Skip at discovery from the attribute on the method, and a contract's tests are the base class's
/// own [Fact]s, so a derived class cannot skip them, and xunit 2 has no dynamic skip (an exception carrying
/// "$XunitDynamicSkip$" fails the test); Xunit.SkippableFact is not among the served packages. So one fact that is
/// skipped without the server runs the suite itself.
/// </summary>
internal static class ContractRunner
{
    /// <summary>Runs the suite; fails naming each case that failed, or when fewer than <paramref name="atLeast"/> cases were found.</summary>
    public static async Task RunAsync<TContract>(Func<TContract> newSuite, int atLeast)
        where TContract : IAsyncLifetime
    {
        var failures = new List<string>();
        var run = 0;
        foreach (var method in typeof(TContract).GetMethods(BindingFlags.Public | BindingFlags.Instance))
        {
            if (method.GetCustomAttribute<FactAttribute>() is null)
            {
                continue;
            }

            var cases = method.GetCustomAttributes<InlineDataAttribute>().Select(d => d.GetData(method).First()).ToList();
            foreach (var arguments in cases.Count == 0 ? [[]] : cases)
            {
                run++;
                var suite = newSuite();
                try
                {
                    await suite.InitializeAsync();
                    if (method.Invoke(suite, arguments) is Task task)
                    {
                        await task;
                    }
                }
                catch (Exception e)
                {
                    var error = e is TargetInvocationException { InnerException: { } inner } ? inner : e;
                    failures.Add($"{method.Name}({string.Join(", ", arguments)}): {error.GetType().Name}: {error.Message}");
                }
                finally
                {
                    await suite.DisposeAsync();
                }
            }
        }

        Assert.True(run >= atLeast, $"only {run} contract tests found");
        Assert.True(failures.Count == 0, $"{failures.Count} of {run} contract tests failed:\n" + string.Join("\n", failures));
    }
}
