using System.Data.Common;

namespace Gateway.Storage.Relational;

/// <summary>A write's connection and transaction, holding the store's write lock until disposed.</summary>
/// <param name="connection">The connection the write runs on.</param>
/// <param name="transaction">The write's transaction; disposed uncommitted, it rolls back.</param>
/// <param name="release">Releases the write lock (and the connection, when it is the write's own).</param>
internal sealed class RelationalTransaction(DbConnection connection, DbTransaction transaction, Func<ValueTask> release) : IAsyncDisposable
{
    /// <summary>The connection the write runs on.</summary>
    public DbConnection Connection => connection;

    /// <summary>The write's transaction.</summary>
    public DbTransaction Transaction => transaction;

    /// <summary>Rolls back unless committed, then releases the lock.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await transaction.DisposeAsync();
        }
        finally
        {
            await release();
        }
    }
}
