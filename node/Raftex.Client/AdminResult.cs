namespace Raftex.Client;

/// <summary>The outcome of one Admin call: a value on success, otherwise a precise reason.</summary>
/// <typeparam name="T">The response message type.</typeparam>
public sealed record AdminResult<T>(AdminOutcome Outcome, T? Value, string Detail, ulong? LeaderHint = null)
{
    /// <summary>True when the call succeeded and <see cref="Value"/> is set.</summary>
    public bool IsOk => Outcome == AdminOutcome.Ok;

    /// <summary>A successful result.</summary>
    public static AdminResult<T> Ok(T value) => new(AdminOutcome.Ok, value, string.Empty);

    /// <summary>A failed result with its reason.</summary>
    public static AdminResult<T> Fail(AdminOutcome outcome, string detail, ulong? leaderHint = null) =>
        new(outcome, default, detail, leaderHint);

    /// <summary>The value, or an exception naming the outcome when the call failed.</summary>
    public T Unwrap() => IsOk && Value is not null
        ? Value
        : throw new InvalidOperationException($"Admin call failed: {Outcome}: {Detail}");

    public override string ToString() => IsOk ? $"Ok({Value})" : $"{Outcome}: {Detail}";
}
