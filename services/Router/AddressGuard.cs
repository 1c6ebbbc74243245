using System.Net;
using System.Net.Sockets;

namespace Gateway.Router;

/// <summary>Thrown when a destination's host resolves to an address it may not reach.</summary>
internal sealed class AddressRefusedException(string message) : Exception(message);

/// <summary>
/// Keeps outbound deliveries off loopback, private, link-local, metadata and other reserved
/// networks. The check runs inside the connection callback, on the addresses the socket really
/// connects to, so a DNS answer that changes between checks (rebinding) gains nothing.
/// </summary>
internal static class AddressGuard
{
    private static readonly (IPAddress Network, int Prefix)[] RefusedV4 =
    [
        (IPAddress.Parse("0.0.0.0"), 8),
        (IPAddress.Parse("10.0.0.0"), 8),
        (IPAddress.Parse("100.64.0.0"), 10),
        (IPAddress.Parse("127.0.0.0"), 8),
        (IPAddress.Parse("169.254.0.0"), 16),
        (IPAddress.Parse("172.16.0.0"), 12),
        (IPAddress.Parse("192.0.0.0"), 24),
        (IPAddress.Parse("192.0.2.0"), 24),
        (IPAddress.Parse("192.88.99.0"), 24),
        (IPAddress.Parse("192.168.0.0"), 16),
        (IPAddress.Parse("198.18.0.0"), 15),
        (IPAddress.Parse("198.51.100.0"), 24),
        (IPAddress.Parse("203.0.113.0"), 24),
        (IPAddress.Parse("224.0.0.0"), 4),
        (IPAddress.Parse("240.0.0.0"), 4),
    ];

    private static readonly (IPAddress Network, int Prefix)[] RefusedV6 =
    [
        (IPAddress.Parse("::"), 96),

        // RFC 8215 local-use NAT64: it translates inside one network, so it is private by design.
        (IPAddress.Parse("64:ff9b:1::"), 48),
        (IPAddress.Parse("100::"), 64),
        (IPAddress.Parse("2001::"), 23),
        (IPAddress.Parse("2001:db8::"), 32),
        (IPAddress.Parse("fc00::"), 7),
        (IPAddress.Parse("fe80::"), 10),
        (IPAddress.Parse("fec0::"), 10),
        (IPAddress.Parse("ff00::"), 8),
    ];

    private static readonly IPAddress Nat64 = IPAddress.Parse("64:ff9b::");
    private static readonly IPAddress Translated = IPAddress.Parse("::ffff:0:0:0");
    private static readonly IPAddress SixToFour = IPAddress.Parse("2002::");

    /// <summary>True when the address is in a network a destination must not reach by default.</summary>
    public static bool IsRefused(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return IsRefused(address.MapToIPv4());
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return Array.Exists(RefusedV4, r => InNetwork(address, r.Network, r.Prefix));
        }

        // Spellings that carry an IPv4 address inside an IPv6 one are judged by that address:
        // NAT64 (RFC 6052) and IPv4-translated (RFC 2765, ::ffff:0:a.b.c.d) in the last 32 bits.
        var bytes = address.GetAddressBytes();
        if (InNetwork(address, Nat64, 96) || InNetwork(address, Translated, 96))
        {
            return IsRefused(new IPAddress(bytes.AsSpan(12, 4)));
        }

        if (InNetwork(address, SixToFour, 16))
        {
            return IsRefused(new IPAddress(bytes.AsSpan(2, 4)));
        }

        return Array.Exists(RefusedV6, r => InNetwork(address, r.Network, r.Prefix));
    }

    /// <summary>
    /// Resolves the host, refuses the connection if any address is in a refused network (unless
    /// <paramref name="allowPrivate"/>), and connects to exactly the addresses that were checked.
    /// </summary>
    public static async ValueTask<Stream> ConnectAsync(
        DnsEndPoint endPoint,
        bool allowPrivate,
        CancellationToken cancellationToken)
    {
        var addresses = IPAddress.TryParse(endPoint.Host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(endPoint.Host, cancellationToken);
        if (addresses.Length == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }

        if (!allowPrivate && Array.Find(addresses, IsRefused) is { } refused)
        {
            throw new AddressRefusedException(
                $"the destination resolves to {refused}, a loopback, private, link-local or reserved "
                + "address; set AllowPrivateNetworks to reach it");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, endPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static bool InNetwork(IPAddress address, IPAddress network, int prefix)
    {
        if (address.AddressFamily != network.AddressFamily)
        {
            return false;
        }

        var a = address.GetAddressBytes();
        var n = network.GetAddressBytes();
        var whole = prefix / 8;
        if (!a.AsSpan(0, whole).SequenceEqual(n.AsSpan(0, whole)))
        {
            return false;
        }

        var rest = prefix % 8;
        if (rest == 0)
        {
            return true;
        }

        var mask = (byte)(0xFF << (8 - rest));
        return (a[whole] & mask) == (n[whole] & mask);
    }
}
