using System.Text.Json.Nodes;

namespace Raftex.ApiServer;

/// <summary>One change in the store's history (or a bookmark): the object after the change and, for MODIFIED, the one before it (selectors need both).</summary>
internal sealed record StoredEvent(long ResourceVersion, string Type, GroupResource Resource, string Namespace, JsonObject? Object, JsonObject? Previous);
