using Raftex.Chaos;
using Raftex.Operator.Api;

namespace Raftex.Operator.Chaos;

/// <summary>Finds where an experiment's correctness probe writes for a cluster.</summary>
public interface IProbeConnector
{
    /// <summary>The probe ledger of <paramref name="cluster"/> (the connector owns and caches it).</summary>
    IProbeLedger For(ExchangeCluster cluster);
}
