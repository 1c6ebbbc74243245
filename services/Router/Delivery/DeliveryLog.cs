namespace Gateway.Router.Delivery;

/// <summary>Log messages of the delivery building blocks; event ids 4700-4799.</summary>
internal static partial class DeliveryLog
{
    [LoggerMessage(EventId = 4701, EventName = "AccessTokenAcquired", Level = LogLevel.Debug,
        Message = "Acquired an access token from {TokenHost}, valid for {ExpiresInSeconds} s")]
    public static partial void AccessTokenAcquired(ILogger logger, string tokenHost, int expiresInSeconds);

    [LoggerMessage(EventId = 4702, EventName = "AccessTokenRequestFailed", Level = LogLevel.Warning,
        Message = "The token endpoint {TokenHost} refused the client-credentials request: {StatusCode} {OAuthError}")]
    public static partial void AccessTokenRequestFailed(
        ILogger logger, string tokenHost, int statusCode, string oAuthError);

    [LoggerMessage(EventId = 4703, EventName = "AccessTokenRejected", Level = LogLevel.Debug,
        Message = "{DestinationHost} answered 401 to a cached access token; fetching a new one and retrying once")]
    public static partial void AccessTokenRejected(ILogger logger, string destinationHost);
}
