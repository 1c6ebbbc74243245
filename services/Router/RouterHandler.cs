using System.Diagnostics;
using System.Runtime.CompilerServices;
using Confluent.Kafka;
using Gateway.Kafka;
using Microsoft.Extensions.Options;

namespace Gateway.Router;

/// <summary>Thrown while another holder's claim on a (destination, event) pair is alive.</summary>
internal sealed class ClaimHeldException(string message) : Exception(message);

/// <summary>
/// Finishes one consumed record: picks its destinations, claims each (destination, event) pair,
/// delivers with in-process retries, then marks it done, schedules a retry or dead-letters it.
/// Throws only when the record must be handled again (Redis or Kafka unreachable, a claim held).
/// </summary>
internal sealed partial class RouterHandler(
    RouteTable routes,
    DestinationCatalog destinations,
    DedupStore dedup,
    ParkingLot parking,
    PausedDestinations paused,
    RetryLane lane,
    RouterTelemetry telemetry,
    IOptions<RouterOptions> options,
    TimeProvider time,
    ILogger<RouterHandler> logger) : IRecordHandler
{
    private readonly RouterOptions _options = options.Value;

    // One claim token per consumed record: when the loop hands the same record back after a
    // failure (Redis blinked before the claim could be released), its claim is renewed instead
    // of being refused as another holder's until the lease runs out. A record fetched again after
    // a rebalance is another object, so it gets a token of its own.
    private readonly ConditionalWeakTable<ConsumeResult<byte[]?, byte[]?>, string> _holders = new();

    public async Task HandleAsync(ConsumeResult<byte[]?, byte[]?> record, CancellationToken cancellationToken)
    {
        using var activity = KafkaTelemetry.StartProcess(record, _options.Consumer.GroupId);
        var routedEvent = RoutedEvent.From(record);
        if (routedEvent is null)
        {
            LogUnreadable(record.Topic, record.Partition.Value, record.Offset.Value);
            await lane.DeadLetterUnreadableAsync(record, cancellationToken);
            telemetry.DeadLetter("", "unreadable");
            return;
        }

        var level = RetryLevelOf(record.Topic);
        List<RouteTarget> targets;
        if (level > 0 || record.Topic == _options.Topics.Replay)
        {
            if (level > 0 && !await WaitUntilDueAsync(record, cancellationToken))
            {
                return;
            }

            targets = AimedTarget(record);
        }
        else
        {
            targets = routes.Match(routedEvent);
        }

        if (targets.Count == 0)
        {
            telemetry.Unmatched(routedEvent.SourceName);
            LogUnmatched(routedEvent.Id, routedEvent.Type, record.Topic);
            return;
        }

        var holder = _holders.GetValue(record, static _ => Guid.NewGuid().ToString("N"));
        await Task.WhenAll(targets.Select(t => DeliverAsync(routedEvent, t, level, holder, cancellationToken)));
    }

    private async Task DeliverAsync(
        RoutedEvent routedEvent,
        RouteTarget target,
        int level,
        string holder,
        CancellationToken ct)
    {
        var slot = destinations.Find(target.Destination);
        var failures = FailureRecord.From(routedEvent.Headers);
        if (slot is null)
        {
            failures.LastError = $"destination '{target.Destination}' is not configured";
            await DeadLetterAsync(routedEvent, target, failures, "unknown-destination", ct);
            return;
        }

        var strict = (target.Strict || failures.Ticket > 0) && routedEvent.Key is { Length: > 0 };
        if (strict && !await TakeTurnAsync(routedEvent, target, failures, level, ct))
        {
            return;
        }

        if (paused.IsPaused(target.Destination))
        {
            failures.LastError = "destination paused";
            await ParkAsync(routedEvent, target, failures, strict);
            await ScheduleAsync(routedEvent, target, failures, Math.Max(level, 1), ct);
            return;
        }

        Claim? claim = null;
        if (slot.Options.Dedup)
        {
            claim = await dedup.ClaimAsync(target.Destination, routedEvent.Id, holder);
            if (claim.Value.State == ClaimState.Done)
            {
                telemetry.DedupHit(target.Destination);
                telemetry.Delivery(target.Destination, "duplicate");
                LogDuplicate(routedEvent.Id, target.Destination);
                await LeaveAsync(routedEvent, target, failures);
                return;
            }

            if (claim.Value.State == ClaimState.HeldElsewhere)
            {
                throw new ClaimHeldException(
                    $"event {routedEvent.Id} for {target.Destination} is claimed by another delivery");
            }
        }

        DeliveryOutcome outcome;
        try
        {
            outcome = await AttemptAsync(slot, routedEvent, target, failures, ct);
            if (outcome.Result == DeliveryResult.Transient && level < lane.Levels)
            {
                await ParkAsync(routedEvent, target, failures, strict);
            }

            await FinishAsync(routedEvent, target, failures, outcome, level, ct);
        }
        catch when (claim is not null)
        {
            await ReleaseQuietlyAsync(target.Destination, routedEvent.Id, claim.Value.Token);
            throw;
        }

        if (claim is { } held)
        {
            // Delivered or skipped: remembered. Failed: given up, so the retry or a replay can claim it.
            if (outcome.Result is DeliveryResult.Delivered or DeliveryResult.Skipped)
            {
                await MarkDoneAsync(target.Destination, routedEvent.Id, ct);
            }
            else
            {
                await ReleaseQuietlyAsync(target.Destination, routedEvent.Id, held.Token);
            }
        }

        if (outcome.Result != DeliveryResult.Transient || level >= lane.Levels)
        {
            await LeaveAsync(routedEvent, target, failures);
        }
    }

    /// <summary>
    /// For a strict route: false when the event must wait behind an earlier event of its key,
    /// in which case it has been sent (again) to the retry lane.
    /// </summary>
    private async Task<bool> TakeTurnAsync(
        RoutedEvent routedEvent,
        RouteTarget target,
        FailureRecord failures,
        int level,
        CancellationToken ct)
    {
        if (failures.Ticket == 0)
        {
            if (level > 0)
            {
                return true;
            }

            failures.Ticket = await parking.JoinAsync(
                target.Destination,
                routedEvent.Key!,
                routedEvent.Id,
                start: false);
            if (failures.Ticket == 0)
            {
                return true;
            }
        }
        else
        {
            var head = await parking.HeadAsync(target.Destination, routedEvent.Key!);
            if (head == 0 || head >= failures.Ticket)
            {
                return true;
            }
        }

        failures.LastError ??= "waiting behind an earlier event of the same key";
        await ScheduleAsync(routedEvent, target, failures, Math.Max(level, 1), ct);
        return false;
    }

    private async Task ParkAsync(RoutedEvent routedEvent, RouteTarget target, FailureRecord failures, bool strict)
    {
        if (strict && failures.Ticket == 0)
        {
            failures.Ticket = await parking.JoinAsync(
                target.Destination,
                routedEvent.Key!,
                routedEvent.Id,
                start: true);
        }
    }

    private async Task LeaveAsync(RoutedEvent routedEvent, RouteTarget target, FailureRecord failures)
    {
        if (failures.Ticket > 0)
        {
            await parking.AdvanceAsync(target.Destination, routedEvent.Key!, failures.Ticket, routedEvent.Id);
        }
    }

    private async Task<DeliveryOutcome> AttemptAsync(
        DestinationSlot slot,
        RoutedEvent routedEvent,
        RouteTarget target,
        FailureRecord failures,
        CancellationToken ct)
    {
        var retry = _options.Retry;
        for (var attempt = 1; ; attempt++)
        {
            if (!slot.Breaker.TryEnter(out var probe))
            {
                failures.LastError = "circuit open after repeated failures";
                failures.RetryAfter = null;
                return DeliveryOutcome.Transient("circuit open");
            }

            DeliveryOutcome outcome;
            try
            {
                outcome = await AttemptOnceAsync(slot, routedEvent, target, ct);
            }
            catch
            {
                // Cancelled while waiting for a slot or sending: no outcome to record.
                slot.Breaker.Abandon(probe);
                throw;
            }

            // Only what the receiver did moves the breaker; a failure of our own does not.
            slot.Breaker.Record(outcome.Reached ? outcome.Result : DeliveryResult.Skipped);
            failures.Attempts++;
            if (outcome.Result is DeliveryResult.Delivered or DeliveryResult.Skipped)
            {
                failures.LastError = null;
                return outcome;
            }

            failures.Add(outcome, time.GetUtcNow());
            LogAttemptFailed(routedEvent.Id, target.Destination, attempt, outcome.Status, outcome.Reason);
            if (outcome.Result == DeliveryResult.Permanent || attempt >= retry.Attempts)
            {
                return outcome;
            }

            var backoff = Backoff(attempt);
            if (outcome.RetryAfter is { } retryAfter && retryAfter > backoff)
            {
                if (retryAfter > retry.MaxBackoff)
                {
                    // Longer than an in-process wait may last: the retry lane honours it instead.
                    return outcome;
                }

                backoff = retryAfter;
            }

            await Task.Delay(backoff, time, ct);
        }
    }

    private async Task<DeliveryOutcome> AttemptOnceAsync(
        DestinationSlot slot,
        RoutedEvent routedEvent,
        RouteTarget target,
        CancellationToken ct)
    {
        await slot.InFlight.WaitAsync(ct);
        telemetry.InFlight(target.Destination, 1);
        using var activity = RouterTelemetry.StartDelivery(target.Destination, target.Route, routedEvent.Id);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var outcome = await slot.Destination.DeliverAsync(routedEvent, ct);
            telemetry.Attempt(target.Destination, outcome.Result, Stopwatch.GetElapsedTime(started));
            if (outcome.Result is not DeliveryResult.Delivered and not DeliveryResult.Skipped)
            {
                activity?.SetStatus(ActivityStatusCode.Error, outcome.Reason);
                activity?.SetTag("http.response.status_code", outcome.Status);
            }

            return outcome;
        }
        finally
        {
            telemetry.InFlight(target.Destination, -1);
            slot.InFlight.Release();
        }
    }

    private async Task FinishAsync(
        RoutedEvent routedEvent,
        RouteTarget target,
        FailureRecord failures,
        DeliveryOutcome outcome,
        int level,
        CancellationToken ct)
    {
        switch (outcome.Result)
        {
            case DeliveryResult.Delivered:
                failures.LastFailureAt = null;
                telemetry.Delivery(target.Destination, "delivered");
                LogDelivered(routedEvent.Id, target.Destination, failures.Attempts);
                break;
            case DeliveryResult.Skipped:
                failures.LastFailureAt = null;
                telemetry.Delivery(target.Destination, "skipped");
                LogSkipped(routedEvent.Id, target.Destination);
                break;
            case DeliveryResult.Transient when level < lane.Levels:
                await ScheduleAsync(routedEvent, target, failures, level + 1, ct);
                break;
            case DeliveryResult.Transient:
                await DeadLetterAsync(routedEvent, target, failures, "exhausted", ct);
                break;
            default:
                await DeadLetterAsync(routedEvent, target, failures, "permanent", ct);
                break;
        }
    }

    private async Task ScheduleAsync(
        RoutedEvent routedEvent,
        RouteTarget target,
        FailureRecord failures,
        int level,
        CancellationToken ct)
    {
        failures.LastFailureAt ??= time.GetUtcNow();
        await lane.ScheduleAsync(routedEvent, target, failures, level, ct);
        telemetry.RetryScheduled(target.Destination, level);
        telemetry.Delivery(target.Destination, "retry_scheduled");
        LogRetryScheduled(routedEvent.Id, target.Destination, level, failures.LastError);
    }

    private async Task DeadLetterAsync(
        RoutedEvent routedEvent,
        RouteTarget target,
        FailureRecord failures,
        string kind,
        CancellationToken ct)
    {
        failures.LastFailureAt ??= time.GetUtcNow();
        await lane.DeadLetterAsync(routedEvent, target, failures, kind, ct);
        telemetry.DeadLetter(target.Destination, kind);
        telemetry.Delivery(target.Destination, "dead_lettered");
        LogDeadLettered(routedEvent.Id, target.Destination, kind, failures.LastStatus, failures.LastError);
    }

    private async Task MarkDoneAsync(string destination, string eventId, CancellationToken ct)
    {
        // The delivery happened: never hand the record back to the loop for this, or it would be
        // delivered again. Keep trying until Redis takes the mark or the work is abandoned.
        var backoff = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            try
            {
                await dedup.MarkDoneAsync(destination, eventId);
                return;
            }
            catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException)
            {
                LogMarkDoneFailed(ex, eventId, destination);
            }

            await Task.Delay(backoff, time, ct);
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
        }
    }

    private async Task ReleaseQuietlyAsync(string destination, string eventId, string token)
    {
        try
        {
            await dedup.ReleaseAsync(destination, eventId, token);
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException)
        {
            // The lease runs out by itself; the next attempt waits for it at worst.
            LogReleaseFailed(ex, eventId, destination);
        }
    }

    private async Task<bool> WaitUntilDueAsync(ConsumeResult<byte[]?, byte[]?> record, CancellationToken ct)
    {
        var headers = record.Message.Headers ?? [];
        var dueMs = RoutedEvent.ParseLong(FailureRecord.Text(headers, RouterHeaders.DueAt));
        if (dueMs is null)
        {
            return true;
        }

        var remaining = DateTimeOffset.FromUnixTimeMilliseconds(dueMs.Value) - time.GetUtcNow();
        if (remaining <= TimeSpan.Zero)
        {
            return true;
        }

        // Holding occupies one slot of this partition only; other partitions and keys go on.
        // A delay longer than the hold limit is waited out in steps, so offsets keep moving.
        var hold = remaining < _options.Retry.MaxHold ? remaining : _options.Retry.MaxHold;
        await Task.Delay(hold, time, ct);
        if (hold >= remaining)
        {
            return true;
        }

        await lane.RequeueAsync(record, ct);
        return false;
    }

    private static List<RouteTarget> AimedTarget(ConsumeResult<byte[]?, byte[]?> record)
    {
        var headers = record.Message.Headers ?? [];
        var destination = FailureRecord.Text(headers, RouterHeaders.Destination);
        if (string.IsNullOrEmpty(destination))
        {
            return [];
        }

        var route = FailureRecord.Text(headers, RouterHeaders.Route);
        return [new RouteTarget(string.IsNullOrEmpty(route) ? "replay" : route, destination)];
    }

    private int RetryLevelOf(string topic)
    {
        var prefix = _options.Topics.RetryPrefix;
        return topic.StartsWith(prefix, StringComparison.Ordinal)
            && RoutedEvent.ParseInt(topic[prefix.Length..]) is { } level and > 0
            ? level
            : 0;
    }

    private TimeSpan Backoff(int attempt)
    {
        var retry = _options.Retry;
        var exponential = retry.InitialBackoff.TotalMilliseconds * Math.Pow(2, attempt - 1);
        var capped = Math.Min(exponential, retry.MaxBackoff.TotalMilliseconds);

        // Full jitter between half and all of the step, so instances do not retry in lockstep.
#pragma warning disable CA5394 // Jitter needs no cryptographic randomness.
        return TimeSpan.FromMilliseconds(capped * (0.5 + (Random.Shared.NextDouble() * 0.5)));
#pragma warning restore CA5394
    }

    [LoggerMessage(EventId = 4101, EventName = "EventDelivered", Level = LogLevel.Debug,
        Message = "Event {EventId} delivered to {Destination} after {Attempts} attempts")]
    private partial void LogDelivered(string eventId, string destination, int attempts);

    [LoggerMessage(EventId = 4102, EventName = "EventDuplicate", Level = LogLevel.Debug,
        Message = "Event {EventId} already delivered to {Destination}; skipped")]
    private partial void LogDuplicate(string eventId, string destination);

    [LoggerMessage(EventId = 4103, EventName = "EventUnmatched", Level = LogLevel.Debug,
        Message = "Event {EventId} of type {Type} on {Topic} matched no route; skipped")]
    private partial void LogUnmatched(string eventId, string type, string topic);

    [LoggerMessage(EventId = 4104, EventName = "AttemptFailed", Level = LogLevel.Debug,
        Message = "Event {EventId} to {Destination}, attempt {Attempt} failed: status {Status}, {Reason}")]
    private partial void LogAttemptFailed(string eventId, string destination, int attempt, int? status, string? reason);

    [LoggerMessage(EventId = 4105, EventName = "RetryScheduled", Level = LogLevel.Information,
        Message = "Event {EventId} to {Destination} moved to retry level {Level}: {Reason}")]
    private partial void LogRetryScheduled(string eventId, string destination, int level, string? reason);

    [LoggerMessage(EventId = 4106, EventName = "EventDeadLettered", Level = LogLevel.Warning,
        Message = "Event {EventId} to {Destination} dead-lettered ({Kind}): status {Status}, {Reason}")]
    private partial void LogDeadLettered(string eventId, string destination, string kind, int? status, string? reason);

    [LoggerMessage(EventId = 4107, EventName = "RecordUnreadable", Level = LogLevel.Warning,
        Message = "Record {Topic} [{Partition}] @{Offset} is not a CloudEvent; dead-lettered")]
    private partial void LogUnreadable(string topic, int partition, long offset);

    [LoggerMessage(EventId = 4108, EventName = "MarkDoneFailed", Level = LogLevel.Warning,
        Message = "Marking event {EventId} delivered to {Destination} failed; trying again")]
    private partial void LogMarkDoneFailed(Exception exception, string eventId, string destination);

    [LoggerMessage(EventId = 4109, EventName = "ReleaseFailed", Level = LogLevel.Warning,
        Message = "Releasing the claim of event {EventId} for {Destination} failed; it expires with its lease")]
    private partial void LogReleaseFailed(Exception exception, string eventId, string destination);

    [LoggerMessage(EventId = 4110, EventName = "EventSkipped", Level = LogLevel.Debug,
        Message = "Event {EventId} skipped for {Destination}: its transformation declined it")]
    private partial void LogSkipped(string eventId, string destination);
}
