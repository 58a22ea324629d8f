namespace Raftex.Exchange;

/// <summary>One remembered client id in the expiry queue.</summary>
internal readonly record struct ClientIdExpiry(long Account, long ClientId, long ExpiresAt);
