namespace Raftex.ApiServer;

/// <summary>The storage identity of a resource: objects are shared by every version of a group/resource.</summary>
internal readonly record struct GroupResource(string Group, string Resource);
