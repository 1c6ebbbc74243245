using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Gateway.Router.Delivery;

/// <summary>
/// A CloudEvent in structured JSON form (CloudEvents JSON event format 1.0) as written to team
/// topics; Confluent's JSON serdes serialize it with Newtonsoft.Json, hence the attributes.
/// </summary>
/// <remarks>https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/formats/json-format.md</remarks>
internal sealed class StructuredCloudEvent
{
    /// <summary>The JSON Schema registered for team topics; <c>data</c> may be any JSON value.</summary>
    public const string JsonSchema = """
        {
          "$schema": "http://json-schema.org/draft-07/schema#",
          "title": "CloudEvent",
          "description": "A CloudEvents 1.0 event in the structured JSON format, published by the event gateway.",
          "type": "object",
          "required": ["specversion", "id", "source", "type"],
          "properties": {
            "specversion": { "type": "string", "const": "1.0" },
            "id": { "type": "string", "minLength": 1 },
            "source": { "type": "string", "minLength": 1 },
            "type": { "type": "string", "minLength": 1 },
            "subject": { "type": "string" },
            "time": { "type": "string" },
            "datacontenttype": { "type": "string" },
            "data": {},
            "data_base64": { "type": "string" }
          }
        }
        """;

    [JsonProperty("specversion", Required = Required.Always)]
    public string SpecVersion { get; set; } = "1.0";

    [JsonProperty("id", Required = Required.Always)]
    public string Id { get; set; } = "";

    [JsonProperty("source", Required = Required.Always)]
    public string Source { get; set; } = "";

    [JsonProperty("type", Required = Required.Always)]
    public string Type { get; set; } = "";

    [JsonProperty("subject", NullValueHandling = NullValueHandling.Ignore)]
    public string? Subject { get; set; }

    [JsonProperty("time", NullValueHandling = NullValueHandling.Ignore)]
    public string? Time { get; set; }

    [JsonProperty("datacontenttype", NullValueHandling = NullValueHandling.Ignore)]
    public string? DataContentType { get; set; }

    /// <summary>The data as JSON when it is JSON or text; null when absent or binary.</summary>
    [JsonProperty("data", NullValueHandling = NullValueHandling.Ignore)]
    public JToken? Data { get; set; }

    /// <summary>Binary data, base64-encoded, as the JSON format requires for non-text data.</summary>
    [JsonProperty("data_base64", NullValueHandling = NullValueHandling.Ignore)]
    public string? DataBase64 { get; set; }

    /// <summary>
    /// Builds the structured form of an event: JSON data stays JSON, text stays text, anything
    /// else becomes <c>data_base64</c>.
    /// </summary>
    public static StructuredCloudEvent From(TransformEvent cloudEvent)
    {
        ArgumentNullException.ThrowIfNull(cloudEvent);

        var structured = new StructuredCloudEvent
        {
            Id = cloudEvent.Id,
            Source = cloudEvent.Source,
            Type = cloudEvent.Type,
            Subject = cloudEvent.Subject,
            Time = cloudEvent.Time,
            DataContentType = cloudEvent.DataContentType,
        };
        var data = cloudEvent.Data;
        if (data.IsEmpty)
        {
            return structured;
        }

        var mediaType = cloudEvent.DataContentType?.Split(';', 2)[0].Trim().ToLowerInvariant() ?? "";
        if ((mediaType == "application/json" || mediaType.EndsWith("+json", StringComparison.Ordinal))
            && TryParseJson(data.Span, out var json))
        {
            structured.Data = json;
        }
        else if (mediaType.StartsWith("text/", StringComparison.Ordinal)
            || mediaType is "application/x-www-form-urlencoded" or "application/xml")
        {
            structured.Data = new JValue(System.Text.Encoding.UTF8.GetString(data.Span));
        }
        else
        {
            structured.DataBase64 = Convert.ToBase64String(data.Span);
        }

        return structured;
    }

    private static bool TryParseJson(ReadOnlySpan<byte> data, out JToken? json)
    {
        // Dates and decimals stay as written: Newtonsoft would otherwise turn date-like strings
        // into DateTime and large numbers into doubles, changing what consumers read.
        using var reader = new JsonTextReader(new StringReader(System.Text.Encoding.UTF8.GetString(data)))
        {
            DateParseHandling = DateParseHandling.None,
            FloatParseHandling = FloatParseHandling.Decimal,
        };
        try
        {
            json = JToken.ReadFrom(reader);
            if (reader.Read())
            {
                json = null;
                return false;
            }

            return true;
        }
        catch (JsonReaderException)
        {
            json = null;
            return false;
        }
    }
}
