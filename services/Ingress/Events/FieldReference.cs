using System.Globalization;
using System.Text.Json;

namespace Gateway.Ingress.Events;

/// <summary>
/// Where an event attribute is read: a request header (<c>header:Name</c>, first present of
/// several alternatives) or an RFC 6901 JSON pointer into the body (<c>/data/object/id</c>).
/// </summary>
internal sealed class FieldReference
{
    private const string HeaderPrefix = "header:";

    private FieldReference(string[]? headers, string[]? pointer)
    {
        Headers = headers;
        Pointer = pointer;
    }

    public string[]? Headers { get; }

    public string[]? Pointer { get; }

    public bool NeedsBody => Pointer is not null;

    public static FieldReference Header(params string[] names) => new(names, null);

    /// <summary>Parses a configured reference; null when the text is neither form.</summary>
    public static FieldReference? Parse(string text)
    {
        if (text.StartsWith(HeaderPrefix, StringComparison.OrdinalIgnoreCase))
        {
            var name = text[HeaderPrefix.Length..].Trim();
            return name.Length == 0 ? null : new FieldReference([name], null);
        }

        if (text.Length < 2 || text[0] != '/')
        {
            return null;
        }

        var segments = text[1..].Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            segments[i] = segments[i].Replace("~1", "/", StringComparison.Ordinal)
                .Replace("~0", "~", StringComparison.Ordinal);
        }

        return new FieldReference(null, segments);
    }

    /// <summary>The value as text: a header value, or a JSON string, number or boolean; else null.</summary>
    public string? ReadText(IHeaderDictionary headers, JsonElement? root)
    {
        if (Headers is not null)
        {
            foreach (var name in Headers)
            {
                string? value = headers[name];
                if (!string.IsNullOrEmpty(value))
                {
                    return value;
                }
            }

            return null;
        }

        if (root is not { } element || !TryResolve(element, out var found))
        {
            return null;
        }

        return found.ValueKind switch
        {
            JsonValueKind.String => JsonText.Read(found),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => found.GetRawText(),
            _ => null,
        };
    }

    /// <summary>The value as a time: Unix seconds (number or digits) or an RFC 3339 text; else null.</summary>
    public DateTimeOffset? ReadTime(IHeaderDictionary headers, JsonElement? root)
    {
        var text = ReadText(headers, root);
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return seconds is > 0 and < 253_402_300_800 ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;
        }

        return DateTimeOffset.TryParse(
            text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time.ToUniversalTime()
            : null;
    }

    private bool TryResolve(JsonElement root, out JsonElement found)
    {
        found = root;
        foreach (var segment in Pointer!)
        {
            if (found.ValueKind == JsonValueKind.Object && found.TryGetProperty(segment, out var child))
            {
                found = child;
            }
            else if (found.ValueKind == JsonValueKind.Array
                && int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                && index < found.GetArrayLength())
            {
                found = found[index];
            }
            else
            {
                return false;
            }
        }

        return true;
    }
}
