namespace Gateway.Ingress.Tests;

public sealed class RequestBodyTests
{
    [Fact]
    public async Task ReadAsync_LargeContentLengthButShortBody_ReservesNoMoreThanTheFirstBuffer()
    {
        using var stream = new MemoryStream("{\"n\":1}"u8.ToArray());

        using var body = await RequestBody.ReadAsync(stream, 32L * 1024 * 1024, 64L * 1024 * 1024, default);

        Assert.NotNull(body);
        Assert.Equal(7, body.Length);
        Assert.InRange(body.Capacity, 7, 128 * 1024);
    }

    [Fact]
    public async Task ReadAsync_BodyLargerThanTheFirstBuffer_GrowsAndKeepsEveryByte()
    {
        var bytes = new byte[300 * 1024];
        new Random(7).NextBytes(bytes);
        using var stream = new MemoryStream(bytes);

        using var body = await RequestBody.ReadAsync(stream, bytes.Length, 1024 * 1024, default);

        Assert.NotNull(body);
        Assert.True(body.Span.SequenceEqual(bytes));
    }

    [Fact]
    public async Task ReadAsync_BodyOverTheLimit_ReturnsNull()
    {
        using var stream = new MemoryStream(new byte[2048]);

        var body = await RequestBody.ReadAsync(stream, null, 1024, default);

        Assert.Null(body);
    }
}
