namespace Raftex.Node.Tests;

/// <summary>Keeps formatted log lines by level, for tests that check what a component chose to log.</summary>
internal sealed class RecordingLogger : Microsoft.Extensions.Logging.ILogger
{
    public List<string> Warnings { get; } = [];

    public List<string> Infos { get; } = [];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

    public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var line = formatter(state, exception);
        lock (this)
        {
            if (logLevel == Microsoft.Extensions.Logging.LogLevel.Warning)
            {
                Warnings.Add(line);
            }
            else if (logLevel == Microsoft.Extensions.Logging.LogLevel.Information)
            {
                Infos.Add(line);
            }
        }
    }
}
