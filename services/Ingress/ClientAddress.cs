using System.Net;

namespace Gateway.Ingress;

/// <summary>
/// The client's address for allowlists: the connection's peer, or, when that peer is a trusted
/// proxy, the right-most <c>X-Forwarded-For</c> entry that is not itself a trusted proxy; null
/// when that chain holds an entry that is not an address.
/// </summary>
/// <remarks>
/// Entries left of the first untrusted hop are written by the client and prove nothing, which
/// is why the walk goes right to left and stops at the first address no trusted proxy owns.
/// </remarks>
internal static class ClientAddress
{
    public const string ForwardedFor = "X-Forwarded-For";

    public static IPAddress? Resolve(HttpContext context, IPNetwork[] trustedProxies)
    {
        var peer = Normalize(context.Connection.RemoteIpAddress);
        if (peer is null || !IsTrusted(peer, trustedProxies))
        {
            return peer;
        }

        var values = context.Request.Headers[ForwardedFor];
        var client = peer;
        for (var v = values.Count - 1; v >= 0; v--)
        {
            var text = values[v].AsSpan();
            var end = text.Length;
            while (end > 0)
            {
                var comma = text[..end].LastIndexOf(',');
                var entry = text[(comma + 1)..end].Trim();
                end = Math.Max(comma, 0);
                if (!TryParseHop(entry, out var hop))
                {
                    // A hop that names no address leaves the client unknown. Answering with the
                    // proxy's own address instead would let anyone past an allowlist that
                    // covers the proxies.
                    return null;
                }

                client = Normalize(hop)!;
                if (!IsTrusted(client, trustedProxies))
                {
                    return client;
                }
            }
        }

        return client;
    }

    // Some proxies append the client's port: "203.0.113.7:4711", "[2001:db8::1]:4711".
    private static bool TryParseHop(ReadOnlySpan<char> entry, out IPAddress address)
    {
        if (IPAddress.TryParse(entry, out address!))
        {
            return true;
        }

        if (IPEndPoint.TryParse(entry, out var endPoint))
        {
            address = endPoint.Address;
            return true;
        }

        return false;
    }

    private static IPAddress? Normalize(IPAddress? address) =>
        address is { IsIPv4MappedToIPv6: true } ? address.MapToIPv4() : address;

    private static bool IsTrusted(IPAddress address, IPNetwork[] trustedProxies)
    {
        foreach (var network in trustedProxies)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }
}
