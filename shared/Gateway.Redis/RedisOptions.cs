namespace Gateway.Redis;

/// <summary>How the services reach Redis; bound from the <c>Redis</c> configuration section.</summary>
public sealed class RedisOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Redis";

    /// <summary>
    /// A StackExchange.Redis configuration string, e.g. <c>localhost:6379,password=...</c>;
    /// required.
    /// </summary>
    public string Configuration { get; set; } = "";

    /// <summary>A prefix for every key the gateway writes; default <c>gateway:</c>.</summary>
    public string KeyPrefix { get; set; } = "gateway:";
}
