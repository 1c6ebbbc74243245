using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Gateway.Kafka;

/// <summary>Bridges librdkafka's own log lines into <see cref="ILogger"/> at the matching level.</summary>
public static partial class KafkaLog
{
    /// <summary>Writes one librdkafka log message.</summary>
    public static void Write(ILogger logger, LogMessage message)
    {
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(message);

        var level = message.Level switch
        {
            SyslogLevel.Emergency or SyslogLevel.Alert or SyslogLevel.Critical => LogLevel.Critical,
            SyslogLevel.Error => LogLevel.Error,
            SyslogLevel.Warning => LogLevel.Warning,
            SyslogLevel.Notice or SyslogLevel.Info => LogLevel.Information,
            _ => LogLevel.Debug,
        };
        LibrdkafkaLog(logger, level, message.Name, message.Facility, message.Message);
    }

    [LoggerMessage(EventId = 1001, EventName = "Librdkafka",
        Message = "librdkafka {Client} {Facility}: {Text}")]
    private static partial void LibrdkafkaLog(
        ILogger logger,
        LogLevel level,
        string client,
        string facility,
        string text);
}
