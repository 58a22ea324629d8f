using k8s.Models;

namespace Raftex.Local.Kubelet;

/// <summary>Keeps each pod condition's lastTransitionTime at the moment its status last changed, so unchanged status stays unchanged.</summary>
internal sealed class PodConditionClock
{
    private readonly Dictionary<string, (bool Value, DateTime Since)> _conditions = new(StringComparer.Ordinal);

    public V1PodCondition Condition(string type, bool value)
    {
        if (!_conditions.TryGetValue(type, out var current) || current.Value != value)
        {
            _conditions[type] = current = (value, DateTime.UtcNow);
        }

        return new V1PodCondition { Type = type, Status = value ? "True" : "False", LastTransitionTime = current.Since };
    }
}
