using Raftex.Testing;

namespace Raftex.Backup.Tests;

/// <summary>One s3rver per test class that needs it, started before the class's first test and stopped after its last.</summary>
public sealed class S3ServerFixture : IAsyncLifetime
{
    private readonly List<S3BackupStore> _stores = [];
    private S3Server? _server;

    internal S3Server Server => _server ?? throw new InvalidOperationException("the S3 server has not started");

    public async Task InitializeAsync() => _server = await S3Server.StartAsync();

    public async Task DisposeAsync()
    {
        lock (_stores)
        {
            _stores.ForEach(store => store.Dispose());
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>A store under a prefix of its own (so tests sharing the server never see each other's backups), splitting uploads at S3's smallest part size.</summary>
    public S3BackupStore NewStore()
    {
        var store = new S3BackupStore(new S3StoreOptions
        {
            Bucket = Server.Bucket,
            Prefix = $"tests/{Guid.NewGuid():n}",
            Endpoint = Server.Endpoint,
            Region = "us-east-1",
            ForcePathStyle = true,
            AccessKeyId = S3Server.AccessKeyId,
            SecretAccessKey = S3Server.SecretAccessKey,
            PartSize = S3StoreOptions.MinimumPartSize,
        });
        lock (_stores)
        {
            _stores.Add(store);
        }

        return store;
    }
}
