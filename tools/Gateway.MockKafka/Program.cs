using System.Globalization;
using Gateway.MockKafka;

// Hosts the embedded Kafka-protocol broker as a process for the app host, benchmarks and kcat:
//   Gateway.MockKafka [--brokers 3] [--topic name:partitions ...] [--bootstrap-file path]
// It prints "bootstrap.servers=<list>" on the first line and runs until stopped.
var brokers = 3;
var topics = new List<(string Name, int Partitions)>();
string? bootstrapFile = null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--brokers" when i + 1 < args.Length:
            brokers = int.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        case "--topic" when i + 1 < args.Length:
            var spec = args[++i].Split(':');
            topics.Add((spec[0], spec.Length > 1 ? int.Parse(spec[1], CultureInfo.InvariantCulture) : 6));
            break;
        case "--bootstrap-file" when i + 1 < args.Length:
            bootstrapFile = args[++i];
            break;
        default:
            await Console.Error.WriteLineAsync(
                "usage: Gateway.MockKafka [--brokers N] [--topic name[:partitions]]... [--bootstrap-file path]");
            return 64;
    }
}

using var cluster = MockCluster.Start(brokers);
foreach (var (name, partitions) in topics)
{
    cluster.CreateTopic(name, partitions);
}

if (bootstrapFile is not null)
{
    await File.WriteAllTextAsync(bootstrapFile, cluster.BootstrapServers);
}

Console.WriteLine("bootstrap.servers=" + cluster.BootstrapServers);
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.Cancel();
try
{
    await Task.Delay(Timeout.Infinite, stop.Token);
}
catch (OperationCanceledException)
{
    // Stopped by Ctrl+C or SIGTERM: dispose the cluster and exit cleanly.
}

return 0;
