namespace Raftex.Raft;

/// <summary>The membership of the group: voters decide elections and commits; learners only receive the log.</summary>
public sealed record ConfState(IReadOnlyList<long> Voters, IReadOnlyList<long> Learners)
{
    public static readonly ConfState Empty = new([], []);

    public bool IsVoter(long id) => Voters.Contains(id);

    public bool IsLearner(long id) => Learners.Contains(id);

    public bool IsMember(long id) => IsVoter(id) || IsLearner(id);

    /// <summary>Structural equality (records compare lists by reference).</summary>
    public bool SameMembers(ConfState other) =>
        Voters.Order().SequenceEqual(other.Voters.Order()) && Learners.Order().SequenceEqual(other.Learners.Order());

    public override string ToString() => $"voters=[{string.Join(',', Voters)}] learners=[{string.Join(',', Learners)}]";
}
