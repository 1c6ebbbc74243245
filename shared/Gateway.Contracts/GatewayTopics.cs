namespace Gateway.Contracts;

/// <summary>The public topic names of the gateway.</summary>
public static class GatewayTopics
{
    /// <summary>The prefix of every source topic; one topic per configured source.</summary>
    public const string SourcePrefix = "webhooks.";

    /// <summary>The regular expression that subscribes to every source topic.</summary>
    public const string SourcePattern = "^webhooks\\..+";

    /// <summary>The prefix of the delayed retry topics, followed by the retry level.</summary>
    public const string RetryPrefix = "gateway.retry.";

    /// <summary>The dead-letter topic.</summary>
    public const string DeadLetter = "gateway.dlq";

    /// <summary>The topic that carries replays aimed at one destination.</summary>
    public const string Replay = "gateway.replay";

    /// <summary>Returns the default topic of a source, never null.</summary>
    public static string ForSource(string source) => SourcePrefix + source;

    /// <summary>Returns the retry topic of a level (1-based), never null.</summary>
    public static string Retry(int level) =>
        RetryPrefix + level.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
