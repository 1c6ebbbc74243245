namespace Gateway.Router;

/// <summary>
/// Stops attempts to a destination after a run of transient failures, for a while; then lets one
/// probe through, and closes again when it succeeds.
/// </summary>
internal sealed class CircuitBreaker(BreakerOptions options, TimeProvider time)
{
    private readonly Lock _gate = new();
    private int _failures;
    private DateTimeOffset _openUntil;
    private bool _probing;

    public bool IsOpen
    {
        get
        {
            lock (_gate)
            {
                return options.FailureThreshold > 0 && _failures >= options.FailureThreshold;
            }
        }
    }

    /// <summary>True when an attempt may go out now.</summary>
    public bool TryEnter() => TryEnter(out _);

    /// <summary>
    /// True when an attempt may go out now; <paramref name="probe"/> is true when it is the one
    /// probe of an open breaker, which the caller must end with <see cref="Record"/> or
    /// <see cref="Abandon"/>.
    /// </summary>
    public bool TryEnter(out bool probe)
    {
        lock (_gate)
        {
            probe = false;
            if (options.FailureThreshold <= 0 || _failures < options.FailureThreshold)
            {
                return true;
            }

            if (time.GetUtcNow() < _openUntil || _probing)
            {
                return false;
            }

            _probing = true;
            probe = true;
            return true;
        }
    }

    /// <summary>
    /// Ends an attempt that produced no outcome (cancelled, or it threw): a probe's place is
    /// given back without judging the destination, or the breaker would refuse for good.
    /// </summary>
    public void Abandon(bool probe)
    {
        if (!probe)
        {
            return;
        }

        lock (_gate)
        {
            _probing = false;
        }
    }

    public void Record(DeliveryResult result)
    {
        lock (_gate)
        {
            _probing = false;
            if (result == DeliveryResult.Skipped)
            {
                // Nothing was sent, so a skip says nothing about the destination's health.
                return;
            }

            if (result != DeliveryResult.Transient)
            {
                _failures = 0;
                return;
            }

            _failures++;
            if (options.FailureThreshold > 0 && _failures >= options.FailureThreshold)
            {
                _openUntil = time.GetUtcNow() + options.OpenDuration;
            }
        }
    }
}
