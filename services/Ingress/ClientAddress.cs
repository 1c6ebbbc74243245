using System.Net;

namespace Gateway.Ingress;

/// <summary>
/// The client's address for allowlists: the connection's peer, or, when that peer is a trusted
/// proxy, the right-most <c>X-Forwarded-For</c> entry that is not itself a trusted proxy.
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
                if (!IPAddress.TryParse(entry, out var hop))
                {
                    // An unparseable hop ends the trusted chain; the last trusted hop answers for it.
                    return client;
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
