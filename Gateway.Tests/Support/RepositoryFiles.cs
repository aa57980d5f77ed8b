namespace Gateway.Tests.Support;

/// <summary>The repository the tests were built from, for tests that check files in it (deployment files, the dashboard, samples).</summary>
public static class RepositoryFiles
{
    /// <summary>The folder holding Gateway.sln, found above the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Gateway.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Gateway.sln not found above the test binaries");
    }
}
