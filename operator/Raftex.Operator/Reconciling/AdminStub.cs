using Grpc.Core;
using Raftex.Protocol.V1;

namespace Raftex.Operator.Reconciling;

/// <summary>The generated Admin stub of one pod and the headers every call carries (the admin bearer token), for the streaming calls <see cref="Raftex.Client.IAdminClient"/> does not wrap.</summary>
public sealed record AdminStub(Admin.AdminClient Client, Metadata? Headers);
