using Gateway.Benchmarks;

namespace Gateway.Benchmarks.Tests;

public sealed class DeliverySinkTests
{
    [Fact]
    public async Task ReceiveAsync_RepeatedAndMissingKeys_CountsDuplicatesAndMissing()
    {
        await using var sink = await DeliverySink.StartAsync(TimeSpan.Zero, CancellationToken.None);
        var firsts = new List<string>();
        sink.FirstReceipt = (key, _) =>
        {
            lock (firsts)
            {
                firsts.Add(key);
            }
        };
        using var client = new HttpClient();

        Assert.True((await PostAsync(client, sink.Url, "evt_a")).IsSuccessStatusCode);
        await PostAsync(client, sink.Url, "evt_a");
        await PostAsync(client, sink.Url, "evt_b");
        await PostAsync(client, sink.Url, null);

        Assert.Equal(4, sink.Deliveries);
        Assert.Equal(2, sink.Distinct);
        Assert.Equal(1, sink.Duplicates);
        Assert.Equal(1, sink.MissingKey);
        Assert.Equal(["evt_a", "evt_b"], firsts);
        Assert.NotNull(sink.DistinctRate());
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, Uri url, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent("{}") };
        if (key is not null)
        {
            request.Headers.Add(ServiceContract.IdempotencyKeyHeader, key);
        }

        return await client.SendAsync(request);
    }
}
