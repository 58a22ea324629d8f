using System.Net;
using k8s.Models;
using Microsoft.Extensions.Time.Testing;

namespace Raftex.Controllers.Tests;

public sealed class EventRecorderTests
{
    private sealed class FakeEventSink : IEventSink
    {
        public Dictionary<string, Corev1Event> Events { get; } = [];

        public int Creates { get; private set; }

        public Exception? Failure { get; set; }

        public Task<Corev1Event> CreateAsync(Corev1Event ev, CancellationToken cancellationToken)
        {
            if (Failure is { } failure)
            {
                throw failure;
            }

            Creates++;
            Events.Add(ev.Metadata.Name, ev);
            return Task.FromResult(ev);
        }

        public Task<Corev1Event> ReplaceAsync(Corev1Event ev, CancellationToken cancellationToken)
        {
            if (!Events.ContainsKey(ev.Metadata.Name))
            {
                throw new KubernetesApiException(HttpStatusCode.NotFound, "events not found");
            }

            Events[ev.Metadata.Name] = ev;
            return Task.FromResult(ev);
        }
    }

    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task An_event_names_the_involved_object_and_the_reporting_component()
    {
        var sink = new FakeEventSink();
        var recorder = new EventRecorder(sink, "raftex-operator", "op-0", new FakeTimeProvider(T0));
        var owner = Objects.Deployment("xc", "7", generation: 2);

        var ev = await recorder.RecordAsync(owner, EventType.Warning, "PodNotReady", "raftex-2 not ready after 5m", CancellationToken.None);

        Assert.NotNull(ev);
        Assert.StartsWith("xc.", ev.Metadata.Name, StringComparison.Ordinal);
        Assert.Equal("default", ev.Metadata.NamespaceProperty);
        Assert.Equal(("apps/v1", "Deployment", "xc", "uid-default-xc"), (ev.InvolvedObject.ApiVersion, ev.InvolvedObject.Kind, ev.InvolvedObject.Name, ev.InvolvedObject.Uid));
        Assert.Equal(("Warning", "PodNotReady", 1), (ev.Type, ev.Reason, ev.Count!.Value));
        Assert.Equal(T0.UtcDateTime, ev.FirstTimestamp);
        Assert.Equal(("raftex-operator", "op-0"), (ev.Source.Component, ev.ReportingInstance));
    }

    [Fact]
    public async Task A_repeated_event_bumps_the_count_and_last_timestamp_of_the_first()
    {
        var time = new FakeTimeProvider(T0);
        var sink = new FakeEventSink();
        var recorder = new EventRecorder(sink, "raftex-operator", "op-0", time);
        var owner = Objects.Deployment("xc", "7", generation: 2);

        await recorder.RecordAsync(owner, EventType.Normal, "MemberAdded", "raftex-3 joined as learner", CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(30));
        await recorder.RecordAsync(owner, EventType.Normal, "MemberAdded", "raftex-3 joined as learner", CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(30));
        await recorder.RecordAsync(owner, EventType.Normal, "MemberAdded", "raftex-4 joined as learner", CancellationToken.None);

        Assert.Equal(2, sink.Creates);
        var repeated = sink.Events.Values.Single(e => e.Message.Contains("raftex-3", StringComparison.Ordinal));
        Assert.Equal(2, repeated.Count);
        Assert.Equal((T0.UtcDateTime, T0.AddSeconds(30).UtcDateTime), (repeated.FirstTimestamp!.Value, repeated.LastTimestamp!.Value));
    }

    [Fact]
    public async Task A_repeat_of_an_expired_event_starts_a_new_series()
    {
        var sink = new FakeEventSink();
        var recorder = new EventRecorder(sink, "raftex-operator", "op-0", new FakeTimeProvider(T0));
        var owner = Objects.Deployment("xc", "7", generation: 2);
        await recorder.RecordAsync(owner, EventType.Normal, "Scaled", "3 -> 5", CancellationToken.None);
        sink.Events.Clear();

        var ev = await recorder.RecordAsync(owner, EventType.Normal, "Scaled", "3 -> 5", CancellationToken.None);

        Assert.Equal(1, ev!.Count);
        Assert.Single(sink.Events);
    }

    [Fact]
    public async Task A_failing_event_write_is_reported_as_null_and_never_throws()
    {
        var sink = new FakeEventSink { Failure = new HttpRequestException("api server down") };
        var recorder = new EventRecorder(sink, "raftex-operator");

        var ev = await recorder.RecordAsync(Objects.ConfigMap("c", "1"), EventType.Normal, "Synced", "ok", CancellationToken.None);
        Assert.Null(ev);
    }

    [Fact]
    public async Task Long_messages_are_truncated_and_an_empty_reason_is_rejected()
    {
        var sink = new FakeEventSink();
        var recorder = new EventRecorder(sink, "raftex-operator");
        var ev = await recorder.RecordAsync(Objects.ConfigMap("c", "1"), EventType.Normal, "Synced", new string('x', 5000), CancellationToken.None);

        Assert.Equal(1024, ev!.Message.Length);
        await Assert.ThrowsAnyAsync<ArgumentException>(() => recorder.RecordAsync(Objects.ConfigMap("c", "1"), EventType.Normal, "", "m", CancellationToken.None));
    }
}
