using k8s.Models;

namespace Raftex.Controllers;

/// <summary>Standard status conditions (metav1.Condition): set, read, and keep lastTransitionTime honest.</summary>
public static class Conditions
{
    /// <summary>The status string "True".</summary>
    public const string True = "True";

    /// <summary>The status string "False".</summary>
    public const string False = "False";

    /// <summary>The status string "Unknown".</summary>
    public const string Unknown = "Unknown";

    /// <summary>
    /// Sets the condition <paramref name="type"/> in <paramref name="conditions"/>. lastTransitionTime moves to
    /// <paramref name="now"/> only when the status flips (or the condition is new); reason, message and
    /// observedGeneration are updated in place. Returns true if anything changed.
    /// </summary>
    public static bool Set(IList<V1Condition> conditions, string type, string status, string reason, string message, long? observedGeneration, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        ArgumentException.ThrowIfNullOrEmpty(type);
        if (status is not (True or False or Unknown))
        {
            throw new ArgumentException($"Condition status must be True, False or Unknown, not '{status}'.", nameof(status));
        }

        // The API server requires a reason matching [A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?; reject early and precisely.
        ArgumentException.ThrowIfNullOrEmpty(reason);
        if (!char.IsAsciiLetter(reason[0]) || reason.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '_' or ',' or ':')) || reason[^1] is ',' or ':')
        {
            throw new ArgumentException($"Condition reason '{reason}' must be CamelCase letters, digits, '_', ',' or ':' starting with a letter.", nameof(reason));
        }

        message ??= string.Empty;
        var at = now.UtcDateTime;
        for (var i = 0; i < conditions.Count; i++)
        {
            var existing = conditions[i];
            if (!string.Equals(existing.Type, type, StringComparison.Ordinal))
            {
                continue;
            }

            var flipped = !string.Equals(existing.Status, status, StringComparison.Ordinal);
            var updated = existing with
            {
                Status = status,
                Reason = reason,
                Message = message,
                ObservedGeneration = observedGeneration,
                LastTransitionTime = flipped ? at : existing.LastTransitionTime,
            };
            if (updated == existing)
            {
                return false;
            }

            conditions[i] = updated;
            return true;
        }

        conditions.Add(new V1Condition
        {
            Type = type,
            Status = status,
            Reason = reason,
            Message = message,
            ObservedGeneration = observedGeneration,
            LastTransitionTime = at,
        });
        return true;
    }

    /// <summary>The condition of <paramref name="type"/>, or null.</summary>
    public static V1Condition? Find(IEnumerable<V1Condition>? conditions, string type) =>
        conditions?.FirstOrDefault(c => string.Equals(c.Type, type, StringComparison.Ordinal));

    /// <summary>True when the condition of <paramref name="type"/> exists and is "True".</summary>
    public static bool IsTrue(IEnumerable<V1Condition>? conditions, string type) =>
        string.Equals(Find(conditions, type)?.Status, True, StringComparison.Ordinal);

    /// <summary>Removes the condition of <paramref name="type"/>; returns true if it was there.</summary>
    public static bool Remove(IList<V1Condition> conditions, string type)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        for (var i = 0; i < conditions.Count; i++)
        {
            if (string.Equals(conditions[i].Type, type, StringComparison.Ordinal))
            {
                conditions.RemoveAt(i);
                return true;
            }
        }

        return false;
    }
}
