using System.Collections.Concurrent;

namespace Gateway.Ingress;

/// <summary>
/// The ids of the last events of a source that Kafka acknowledged through this process, so a
/// provider's retry of one of them is answered 202 again without writing it a second time.
/// </summary>
/// <remarks>
/// It only spares the topic some duplicates: it is per process and bounded, so the router's
/// dedup stays the guarantee. An id enters only after the broker's ack, so a request that was
/// answered 503 is always written again when it comes back.
/// </remarks>
internal sealed class RecentEvents(int capacity)
{
    private readonly ConcurrentDictionary<string, byte> _ids = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();

    public bool Contains(string id) => capacity > 0 && _ids.ContainsKey(id);

    public void Add(string id)
    {
        if (capacity <= 0 || !_ids.TryAdd(id, 0))
        {
            return;
        }

        _order.Enqueue(id);
        while (_order.Count > capacity && _order.TryDequeue(out var oldest))
        {
            _ids.TryRemove(oldest, out _);
        }
    }
}
