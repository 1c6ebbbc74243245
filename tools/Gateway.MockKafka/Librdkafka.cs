using System.Reflection;
using System.Runtime.InteropServices;

namespace Gateway.MockKafka;

/// <summary>
/// The mock-cluster part of librdkafka's C API, bound to the very library file that
/// Confluent.Kafka loaded, so the client and the cluster share one copy of librdkafka.
/// </summary>
internal static partial class Librdkafka
{
    private const string LibraryName = "gateway-librdkafka";

    private static readonly Lazy<IntPtr> Handle = new(LoadClientLibrary);

    static Librdkafka()
    {
        NativeLibrary.SetDllImportResolver(typeof(Librdkafka).Assembly, Resolve);
    }

    public const int ProducerType = 0;

    [LibraryImport(LibraryName)]
    public static partial IntPtr rd_kafka_conf_new();

    [LibraryImport(LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int rd_kafka_conf_set(
        IntPtr conf,
        string name,
        string value,
        byte[] errstr,
        nuint errstrSize);

    [LibraryImport(LibraryName)]
    public static partial IntPtr rd_kafka_new(int type, IntPtr conf, byte[] errstr, nuint errstrSize);

    [LibraryImport(LibraryName)]
    public static partial void rd_kafka_destroy(IntPtr rk);

    [LibraryImport(LibraryName)]
    public static partial IntPtr rd_kafka_mock_cluster_new(IntPtr rk, int brokerCount);

    [LibraryImport(LibraryName)]
    public static partial void rd_kafka_mock_cluster_destroy(IntPtr cluster);

    [LibraryImport(LibraryName)]
    public static partial IntPtr rd_kafka_mock_cluster_bootstraps(IntPtr cluster);

    [LibraryImport(LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int rd_kafka_mock_topic_create(
        IntPtr cluster,
        string topic,
        int partitionCount,
        int replicationFactor);

    [LibraryImport(LibraryName)]
    public static partial int rd_kafka_mock_broker_set_down(IntPtr cluster, int brokerId);

    [LibraryImport(LibraryName)]
    public static partial int rd_kafka_mock_broker_set_up(IntPtr cluster, int brokerId);

    [LibraryImport(LibraryName)]
    public static partial int rd_kafka_mock_broker_set_rtt(IntPtr cluster, int brokerId, int rttMs);

    [LibraryImport(LibraryName)]
    public static partial void rd_kafka_mock_push_request_errors_array(
        IntPtr cluster,
        short apiKey,
        nuint count,
        int[] errors);

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath) =>
        name == LibraryName ? Handle.Value : IntPtr.Zero;

    private static IntPtr LoadClientLibrary()
    {
        // Asking for the version makes Confluent.Kafka load its librdkafka (on Debian 12 the
        // centos8 build, since the default one needs libsasl2.so.3). The path is then read from
        // the process's memory map, and loading that same path returns the same copy.
        _ = Confluent.Kafka.Library.Version;
        var path = FindLoadedLibrary()
            ?? throw new PlatformNotSupportedException(
                "Could not find the librdkafka that Confluent.Kafka loaded; "
                + "the embedded broker needs Linux (/proc/self/maps).");
        return NativeLibrary.Load(path);
    }

    private static string? FindLoadedLibrary()
    {
        const string Maps = "/proc/self/maps";
        if (!File.Exists(Maps))
        {
            return null;
        }

        foreach (var line in File.ReadLines(Maps))
        {
            var slash = line.IndexOf('/', StringComparison.Ordinal);
            if (slash >= 0 && line.EndsWith("librdkafka.so", StringComparison.Ordinal))
            {
                return line[slash..];
            }
        }

        return null;
    }
}
