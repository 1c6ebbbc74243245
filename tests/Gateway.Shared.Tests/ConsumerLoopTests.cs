using System.Collections.Concurrent;
using System.Text;
using Confluent.Kafka;
using Gateway.Kafka;
using Gateway.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Shared.Tests;

public sealed class ConsumerLoopTests
{
    private sealed class RecordingHandler(
        Func<ConsumeResult<byte[]?, byte[]?>, CancellationToken, Task>? behaviour = null)
        : IRecordHandler
    {
        public ConcurrentQueue<ConsumeResult<byte[]?, byte[]?>> Handled { get; } = new();

        public async Task HandleAsync(ConsumeResult<byte[]?, byte[]?> record, CancellationToken cancellationToken)
        {
            if (behaviour is not null)
            {
                await behaviour(record, cancellationToken);
            }

            Handled.Enqueue(record);
        }
    }

    [Fact]
    public async Task ConsumerGroup_TwoMembers_SplitPartitionsAndHandleEveryRecordOnce()
    {
        var topic = TestKafka.UniqueTopic("loop.split");
        await TestKafka.Shared.CreateTopicAsync(topic, 6);
        var group = TestKafka.UniqueGroup("split");
        var first = new RecordingHandler();
        var second = new RecordingHandler();
        using var stop = new CancellationTokenSource();
        using var loopA = NewLoop(group, topic, first);
        using var loopB = NewLoop(group, topic, second);
        var runA = loopA.RunAsync(stop.Token);
        var runB = loopB.RunAsync(stop.Token);
        await Eventually.TrueAsync(
            () => loopA.Assignment.Count > 0 && loopB.Assignment.Count > 0
                && loopA.Assignment.Count + loopB.Assignment.Count == 6,
            TimeSpan.FromSeconds(60),
            "both members own partitions");

        using (var producer = KafkaFactory.Producer())
        {
            for (var i = 0; i < 60; i++)
            {
                await producer.ProduceAsync(topic, Record($"key-{i}", $"value-{i}"), CancellationToken.None);
            }
        }

        await Eventually.TrueAsync(
            () => first.Handled.Count + second.Handled.Count >= 60,
            TimeSpan.FromSeconds(60),
            "every record handled");
        var partitionsA = first.Handled.Select(r => r.Partition.Value).ToHashSet();
        var partitionsB = second.Handled.Select(r => r.Partition.Value).ToHashSet();
        var values = first.Handled
            .Concat(second.Handled)
            .Select(r => Encoding.UTF8.GetString(r.Message.Value!))
            .ToList();
        Assert.NotEmpty(first.Handled);
        Assert.NotEmpty(second.Handled);
        Assert.Empty(partitionsA.Intersect(partitionsB));
        Assert.Equal(60, values.Count);
        Assert.Equal(60, values.Distinct().Count());

        await stop.CancelAsync();
        await Task.WhenAll(runA, runB);
    }

    [Fact]
    public async Task Shutdown_RecordUnfinished_CommitsOnlyUpToIt()
    {
        var topic = TestKafka.UniqueTopic("loop.unfinished");
        await TestKafka.Shared.CreateTopicAsync(topic, 1);
        var group = TestKafka.UniqueGroup("unfinished");
        using (var producer = KafkaFactory.Producer())
        {
            for (var i = 0; i < 10; i++)
            {
                await producer.ProduceAsync(topic, Record($"k{i}", $"v{i}"), CancellationToken.None);
            }
        }

        // Offset 3 never finishes; every other record does, some of them after it.
        var blocker = new RecordingHandler(async (record, token) =>
        {
            if (record.Offset.Value == 3)
            {
                await Task.Delay(Timeout.Infinite, token);
            }
        });
        using (var stop = new CancellationTokenSource())
        {
            using var loop = NewLoop(group, topic, blocker, drain: TimeSpan.FromMilliseconds(500));
            var run = loop.RunAsync(stop.Token);
            await Eventually.TrueAsync(
                () => blocker.Handled.Count == 9,
                TimeSpan.FromSeconds(60),
                "nine records handled");
            await stop.CancelAsync();
            await run;
        }

        var next = new RecordingHandler();
        using (var stop = new CancellationTokenSource())
        {
            using var loop = NewLoop(group, topic, next);
            var run = loop.RunAsync(stop.Token);
            await Eventually.TrueAsync(
                () => next.Handled.Count == 7,
                TimeSpan.FromSeconds(60),
                "records from offset 3 again");
            await stop.CancelAsync();
            await run;
        }

        Assert.Equal(Enumerable.Range(3, 7).Select(i => (long)i), next.Handled.Select(r => r.Offset.Value).Order());
    }

    [Fact]
    public async Task Handle_SameKeyConcurrently_FinishesInOffsetOrder()
    {
        var topic = TestKafka.UniqueTopic("loop.order");
        await TestKafka.Shared.CreateTopicAsync(topic, 1);
        using (var producer = KafkaFactory.Producer())
        {
            for (var i = 0; i < 40; i++)
            {
                await producer.ProduceAsync(
                    topic,
                    Record($"key-{i % 4}", i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                    CancellationToken.None);
            }
        }

        var inFlight = 0;
        var maxInFlight = 0;
        var handler = new RecordingHandler(async (_, token) =>
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref maxInFlight, now);
            await Task.Delay(Random.Shared.Next(5, 30), token);
            Interlocked.Decrement(ref inFlight);
        });
        using var stop = new CancellationTokenSource();
        using var loop = NewLoop(TestKafka.UniqueGroup("order"), topic, handler);
        var run = loop.RunAsync(stop.Token);
        await Eventually.TrueAsync(() => handler.Handled.Count == 40, TimeSpan.FromSeconds(60), "every record handled");
        await stop.CancelAsync();
        await run;

        foreach (var group in handler.Handled.GroupBy(r => Encoding.UTF8.GetString(r.Message.Key!)))
        {
            var offsets = group.Select(r => r.Offset.Value).ToList();
            Assert.Equal(offsets.Order(), offsets);
        }

        Assert.InRange(maxInFlight, 2, 4);
    }

    [Fact]
    public async Task Handle_HandlerThrows_RecordIsTriedAgainUntilItSucceeds()
    {
        var topic = TestKafka.UniqueTopic("loop.retry");
        await TestKafka.Shared.CreateTopicAsync(topic, 1);
        using (var producer = KafkaFactory.Producer())
        {
            await producer.ProduceAsync(topic, Record("k", "v"), CancellationToken.None);
        }

        var attempts = 0;
        var handler = new RecordingHandler((_, _) => Interlocked.Increment(ref attempts) < 3
            ? throw new InvalidOperationException("not yet")
            : Task.CompletedTask);
        using var stop = new CancellationTokenSource();
        using var loop = NewLoop(TestKafka.UniqueGroup("retry"), topic, handler);
        var run = loop.RunAsync(stop.Token);
        await Eventually.TrueAsync(
            () => handler.Handled.Count == 1,
            TimeSpan.FromSeconds(60),
            "handled after failures");
        await stop.CancelAsync();
        await run;

        Assert.Equal(3, attempts);
    }

    [Fact]
    public async Task Handle_RecordKeepsFailing_PartitionFetchesNothingMoreUntilItGoesThrough()
    {
        var topic = TestKafka.UniqueTopic("loop.held");
        await TestKafka.Shared.CreateTopicAsync(topic, 1);
        using var producer = KafkaFactory.Producer();
        await producer.ProduceAsync(topic, Record("first", "0"), CancellationToken.None);
        var down = true;
        var failures = 0;
        var handler = new RecordingHandler((record, _) =>
        {
            if (Volatile.Read(ref down) && record.Offset.Value == 0)
            {
                Interlocked.Increment(ref failures);
                throw new InvalidOperationException("dependency down");
            }

            return Task.CompletedTask;
        });
        using var stop = new CancellationTokenSource();
        using var loop = NewLoop(TestKafka.UniqueGroup("held"), topic, handler);
        var run = loop.RunAsync(stop.Token);
        await Eventually.TrueAsync(
            () => Volatile.Read(ref failures) >= 2,
            TimeSpan.FromSeconds(60),
            "the first record fails");

        for (var i = 1; i <= 20; i++)
        {
            await producer.ProduceAsync(topic, Record($"key-{i}", $"{i}"), CancellationToken.None);
        }

        // Other keys could run beside the failing record, but the paused partition never fetches them.
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Empty(handler.Handled);
        Assert.Equal(1, loop.Buffered);

        Volatile.Write(ref down, false);
        await Eventually.TrueAsync(
            () => handler.Handled.Count == 21,
            TimeSpan.FromSeconds(60),
            "every record handled once the dependency is back");
        await stop.CancelAsync();
        await run;

        Assert.Equal(21, handler.Handled.Select(r => r.Offset.Value).Distinct().Count());
    }

    private static ConsumerLoop NewLoop(string group, string topic, IRecordHandler handler, TimeSpan? drain = null) =>
        new(
            KafkaFactory.Configs(),
            new ConsumerLoopOptions
            {
                GroupId = group,
                Topics = [topic],
                MaxInFlightPerPartition = 8,
                DrainTimeout = drain ?? TimeSpan.FromSeconds(10),
            },
            handler,
            NullLogger.Instance);

    private static Message<byte[]?, byte[]?> Record(string key, string value) =>
        new() { Key = Encoding.UTF8.GetBytes(key), Value = Encoding.UTF8.GetBytes(value) };

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value
            && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
