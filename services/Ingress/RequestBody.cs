using System.Buffers;
using System.Text;

namespace Gateway.Ingress;

/// <summary>
/// A request body read into a pooled buffer, with room reserved in front of it so that a signed
/// prefix (<c>t.</c>, <c>v0:ts:</c>, <c>id.ts.</c>) can be written next to the body and hashed
/// as one span, without copying the body.
/// </summary>
internal sealed class RequestBody : IDisposable
{
    internal const int PrefixReserve = 256;
    private const int InitialSize = 16 * 1024;

    // The first buffer never trusts Content-Length beyond this: a client that announces a large
    // body and sends nothing must not make the ingress reserve it. Larger bodies grow the buffer
    // as their bytes arrive.
    private const int MaxFirstSize = 64 * 1024;

    private byte[] _buffer;
    private byte[]? _spill;
    private int _length;

    private RequestBody(byte[] buffer)
    {
        _buffer = buffer;
    }

    public int Length => _length;

    /// <summary>How many body bytes the current buffer holds room for.</summary>
    internal int Capacity => _buffer.Length - PrefixReserve;

    public ReadOnlySpan<byte> Span => _buffer.AsSpan(PrefixReserve, _length);

    public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(PrefixReserve, _length);

    /// <summary>Wraps bytes already in memory (tests, batch entries).</summary>
    public static RequestBody From(ReadOnlySpan<byte> bytes)
    {
        var body = new RequestBody(ArrayPool<byte>.Shared.Rent(PrefixReserve + bytes.Length));
        bytes.CopyTo(body._buffer.AsSpan(PrefixReserve));
        body._length = bytes.Length;
        return body;
    }

    /// <summary>
    /// Reads the body; returns null, having read at most <paramref name="limit"/> + 1 bytes, when
    /// it is larger than <paramref name="limit"/>.
    /// </summary>
    public static async Task<RequestBody?> ReadAsync(
        Stream stream,
        long? contentLength,
        long limit,
        CancellationToken cancellationToken)
    {
        var first = (int)Math.Min(Math.Min(contentLength ?? InitialSize, MaxFirstSize), limit + 1);
        var body = new RequestBody(ArrayPool<byte>.Shared.Rent(PrefixReserve + Math.Max(first, 1)));
        try
        {
            while (true)
            {
                if (body._length == body._buffer.Length - PrefixReserve)
                {
                    if (body._length > limit)
                    {
                        body.Dispose();
                        return null;
                    }

                    body.Grow((int)Math.Min((long)body._length * 2, limit + 1));
                }

                var read = await stream.ReadAsync(
                    body._buffer.AsMemory(PrefixReserve + body._length), cancellationToken);
                if (read == 0)
                {
                    break;
                }

                body._length += read;
                if (body._length > limit)
                {
                    body.Dispose();
                    return null;
                }

                // Kestrel holds the client to its Content-Length, so once it is reached one more
                // read (and a larger buffer to make room for it) would only confirm the end.
                if (body._length == contentLength)
                {
                    break;
                }
            }

            return body;
        }
        catch
        {
            body.Dispose();
            throw;
        }
    }

    /// <summary>The bytes of the parts, in order, followed by the body, as one span.</summary>
    public ReadOnlySpan<byte> Signed(
        ReadOnlySpan<char> first,
        ReadOnlySpan<char> second = default,
        ReadOnlySpan<char> third = default,
        ReadOnlySpan<char> fourth = default,
        ReadOnlySpan<char> fifth = default)
    {
        var utf8 = Encoding.UTF8;
        var size = utf8.GetByteCount(first) + utf8.GetByteCount(second) + utf8.GetByteCount(third)
            + utf8.GetByteCount(fourth) + utf8.GetByteCount(fifth);
        Span<byte> target;
        int start;
        if (size <= PrefixReserve)
        {
            start = PrefixReserve - size;
            target = _buffer.AsSpan(start);
        }
        else
        {
            // A prefix longer than the reserve (an unusually long event id) costs one copy.
            ReturnSpill();
            _spill = ArrayPool<byte>.Shared.Rent(size + _length);
            start = 0;
            target = _spill;
            Span.CopyTo(target[size..]);
        }

        var written = utf8.GetBytes(first, target);
        written += utf8.GetBytes(second, target[written..]);
        written += utf8.GetBytes(third, target[written..]);
        written += utf8.GetBytes(fourth, target[written..]);
        utf8.GetBytes(fifth, target[written..]);
        return (_spill is not null && size > PrefixReserve ? _spill : _buffer).AsSpan(start, size + _length);
    }

    /// <summary>An exact-length copy for the Kafka record, made only once the request is verified.</summary>
    public byte[] ToArray() => Span.ToArray();

    public void Dispose()
    {
        ReturnSpill();
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
            _length = 0;
        }
    }

    private void Grow(int size)
    {
        var larger = ArrayPool<byte>.Shared.Rent(PrefixReserve + size);
        _buffer.AsSpan(PrefixReserve, _length).CopyTo(larger.AsSpan(PrefixReserve));
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }

    private void ReturnSpill()
    {
        if (_spill is not null)
        {
            ArrayPool<byte>.Shared.Return(_spill);
            _spill = null;
        }
    }
}
