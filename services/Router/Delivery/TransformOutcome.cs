namespace Gateway.Router.Delivery;

/// <summary>What a transformation made of one event: a request, a skip, or a failure.</summary>
internal abstract record TransformOutcome;

/// <summary>
/// The request a transformation asks for. <see cref="ContentType"/> is null when the body is empty;
/// <see cref="Path"/> (appended to the destination URL) and <see cref="Method"/> are null when the
/// script left them to the destination's configuration.
/// </summary>
internal sealed record TransformedRequest(
    ReadOnlyMemory<byte> Body,
    string? ContentType,
    IReadOnlyDictionary<string, string> Headers,
    string? Path,
    HttpMethod? Method) : TransformOutcome
{
    /// <summary>
    /// Builds the HTTP request against a destination: the path is appended to the destination URL,
    /// the method falls back to <paramref name="defaultMethod"/>.
    /// </summary>
    public HttpRequestMessage ToHttpRequest(Uri destination, HttpMethod defaultMethod)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(defaultMethod);

        var request = new HttpRequestMessage(Method ?? defaultMethod, Append(destination, Path));
        if (ContentType is not null)
        {
            request.Content = new ReadOnlyMemoryContent(Body);
            request.Content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
        }

        foreach (var (name, value) in Headers)
        {
            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                request.Content ??= new ReadOnlyMemoryContent(ReadOnlyMemory<byte>.Empty);
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return request;
    }

    private static Uri Append(Uri destination, string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return destination;
        }

        var baseText = destination.GetLeftPart(UriPartial.Path).TrimEnd('/');
        var query = destination.Query;
        if (path.StartsWith('?'))
        {
            return new Uri(baseText + path);
        }

        var separator = path.Contains('?', StringComparison.Ordinal) ? "&" : "?";
        var joined = baseText + path;
        return new Uri(query.Length > 1 ? joined + separator + query[1..] : joined);
    }
}

/// <summary>The script returned null or undefined: this destination does not want the event.</summary>
internal sealed record TransformSkipped : TransformOutcome
{
    public static TransformSkipped Instance { get; } = new();
}

/// <summary>
/// The script failed or broke a limit; permanent for this event. <see cref="Message"/> is short and
/// carries no payload of the router's making, though a script's own error text is kept.
/// </summary>
internal sealed record TransformFailed(TransformError Error, string Message) : TransformOutcome;

/// <summary>Why a transformation failed.</summary>
internal enum TransformError
{
    /// <summary>The script threw, or a runtime error (TypeError, ReferenceError...) occurred.</summary>
    ScriptError,

    /// <summary>The script ran longer than the time limit.</summary>
    Timeout,

    /// <summary>The script executed more statements than allowed.</summary>
    StatementLimit,

    /// <summary>The script allocated more memory than allowed.</summary>
    MemoryLimit,

    /// <summary>The script's calls nested deeper than allowed.</summary>
    RecursionLimit,

    /// <summary>The script returned something that is not a valid request description.</summary>
    InvalidResult,
}
