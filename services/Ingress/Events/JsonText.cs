using System.Text.Json;

namespace Gateway.Ingress.Events;

/// <summary>Reads a JSON string that the sender wrote, which may not be valid text.</summary>
internal static class JsonText
{
    /// <summary>
    /// The string's value; throws <see cref="ArgumentException"/> (answered 400) when its
    /// escapes spell invalid UTF-16, such as a lone surrogate, which JSON parsing lets through.
    /// </summary>
    public static string Read(JsonElement element)
    {
        try
        {
            return element.GetString()!;
        }
        catch (InvalidOperationException ex)
        {
            throw new ArgumentException("A JSON string in the body is not valid text.", ex);
        }
    }
}
