using System.Text.Json;
using System.Text.RegularExpressions;

namespace Gateway.Router.Delivery;

/// <summary>
/// A route's JSON filter over an event's body and headers, in the style of Hookdeck and Convoy
/// filters: nested objects match nested fields, a plain value means equality, and
/// <c>$</c>-prefixed keys are operators. Immutable and safe to share between threads.
/// </summary>
/// <remarks>
/// Array rule: when the event's value is an array and the condition is not itself about
/// arrays, the condition holds when any element satisfies it; <c>$neq</c> and <c>$nin</c>
/// are the negations of <c>$eq</c> and <c>$in</c>, so they hold when no element matches.
/// </remarks>
internal sealed class RouteFilter
{
    /// <summary>The longest a <c>$regex</c> may run on one value before it counts as no match.</summary>
    public static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(100);

    private readonly Condition? _body;
    private readonly Condition? _headers;

    private RouteFilter(Condition? body, Condition? headers)
    {
        _body = body;
        _headers = headers;
    }

    /// <summary>A filter that matches every event.</summary>
    public static RouteFilter MatchAll { get; } = new(null, null);

    /// <summary>
    /// Compiles a filter document <c>{"body": {...}, "headers": {...}}</c>; throws
    /// <see cref="FormatException"/> naming the offending path when the document is not a valid filter.
    /// </summary>
    public static RouteFilter Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"The filter is not valid JSON: {ex.Message}", ex);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("The filter must be a JSON object with 'body' and/or 'headers'.");
            }

            Condition? body = null;
            Condition? headers = null;
            foreach (var part in root.EnumerateObject())
            {
                switch (part.Name)
                {
                    case "body":
                        body = Compile(part.Value, "body");
                        break;
                    case "headers":
                        headers = CompileHeaders(part.Value);
                        break;
                    default:
                        throw new FormatException(
                            $"Unknown filter key '{part.Name}'; a filter has only 'body' and 'headers'.");
                }
            }

            return new RouteFilter(body, headers);
        }
    }

    /// <summary>
    /// Tells whether an event matches; <paramref name="body"/> is <c>default</c> when the body is not
    /// JSON, and header names compare case-insensitively.
    /// </summary>
    public bool Matches(JsonElement body, IReadOnlyDictionary<string, string> headers)
    {
        ArgumentNullException.ThrowIfNull(headers);

        if (_body is not null && !_body.Test(Value.Of(body)))
        {
            return false;
        }

        return _headers is null || _headers.Test(Value.OfHeaders(headers));
    }

    /// <summary>
    /// Tells whether an event matches, parsing its data only when the filter has a body condition
    /// and the content type is JSON; data that does not parse counts as no body.
    /// </summary>
    public bool Matches(TransformEvent cloudEvent)
    {
        ArgumentNullException.ThrowIfNull(cloudEvent);

        if (_body is null || !IsJson(cloudEvent.DataContentType))
        {
            return Matches(default, cloudEvent.Headers);
        }

        try
        {
            using var document = JsonDocument.Parse(cloudEvent.Data);
            return Matches(document.RootElement, cloudEvent.Headers);
        }
        catch (JsonException)
        {
            return Matches(default, cloudEvent.Headers);
        }
    }

    private static bool IsJson(string? contentType)
    {
        var mediaType = contentType?.Split(';', 2)[0].Trim() ?? "";
        return mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
    }

    private static AllCondition CompileHeaders(JsonElement pattern)
    {
        if (pattern.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("The filter's 'headers' must be an object keyed by header name.");
        }

        var fields = new List<(string, Condition)>();
        var operators = new List<Condition>();
        foreach (var property in pattern.EnumerateObject())
        {
            if (property.Name.StartsWith('$'))
            {
                operators.Add(CompileOperator(property.Name, property.Value, "headers"));
            }
            else
            {
                fields.Add((property.Name, Compile(property.Value, $"headers.{property.Name}")));
            }
        }

        operators.Add(new FieldsCondition(fields));
        return new AllCondition(operators);
    }

    private static Condition Compile(JsonElement pattern, string path)
    {
        switch (pattern.ValueKind)
        {
            case JsonValueKind.Object:
                var fields = new List<(string, Condition)>();
                var conditions = new List<Condition>();
                foreach (var property in pattern.EnumerateObject())
                {
                    if (property.Name.StartsWith('$'))
                    {
                        conditions.Add(CompileOperator(property.Name, property.Value, path));
                    }
                    else
                    {
                        fields.Add((property.Name, Compile(property.Value, $"{path}.{property.Name}")));
                    }
                }

                if (fields.Count > 0)
                {
                    conditions.Add(new AnyElement(new FieldsCondition(fields)));
                }

                return new AllCondition(conditions);
            case JsonValueKind.Array:
                return new ContainsAllCondition([.. pattern.EnumerateArray().Select(e => e.Clone())]);
            default:
                return new AnyElement(new EqualsCondition(pattern.Clone()));
        }
    }

    private static Condition CompileOperator(string name, JsonElement operand, string path)
    {
        var at = $"{path}.{name}";
        return name switch
        {
            "$eq" => EqualTo(operand),
            "$neq" => new NotCondition(EqualTo(operand)),
            "$in" => new AnyElement(new InCondition(ArrayOperand(operand, at))),
            "$nin" => new NotCondition(new AnyElement(new InCondition(ArrayOperand(operand, at)))),
            "$gt" => new AnyElement(new CompareCondition(ComparableOperand(operand, at), c => c > 0)),
            "$gte" => new AnyElement(new CompareCondition(ComparableOperand(operand, at), c => c >= 0)),
            "$lt" => new AnyElement(new CompareCondition(ComparableOperand(operand, at), c => c < 0)),
            "$lte" => new AnyElement(new CompareCondition(ComparableOperand(operand, at), c => c <= 0)),
            "$exist" => new ExistCondition(BooleanOperand(operand, at)),
            "$regex" => new AnyElement(new RegexCondition(RegexOperand(operand, at))),
            "$startsWith" => new AnyElement(
                new TextCondition(StringOperand(operand, at), (v, o) => v.StartsWith(o, StringComparison.Ordinal))),
            "$endsWith" => new AnyElement(
                new TextCondition(StringOperand(operand, at), (v, o) => v.EndsWith(o, StringComparison.Ordinal))),
            "$and" => new AllCondition(ListOperand(operand, at, path)),
            "$or" => new OrCondition(ListOperand(operand, at, path)),
            "$not" => new NotCondition(Compile(operand, at)),
            _ => throw new FormatException(
                $"Unknown filter operator '{name}' at '{path}'; known operators are $eq, $neq, $in, $nin, "
                + "$gt, $gte, $lt, $lte, $exist, $regex, $startsWith, $endsWith, $and, $or and $not."),
        };
    }

    // An array operand asks for the whole array to be equal, so it must not be tried per element.
    private static Condition EqualTo(JsonElement operand) =>
        operand.ValueKind == JsonValueKind.Array
            ? new EqualsCondition(operand.Clone())
            : new AnyElement(new EqualsCondition(operand.Clone()));

    private static JsonElement[] ArrayOperand(JsonElement operand, string at) =>
        operand.ValueKind == JsonValueKind.Array
            ? [.. operand.EnumerateArray().Select(e => e.Clone())]
            : throw new FormatException($"The filter operator at '{at}' needs an array.");

    private static JsonElement ComparableOperand(JsonElement operand, string at) =>
        operand.ValueKind is JsonValueKind.Number or JsonValueKind.String
            ? operand.Clone()
            : throw new FormatException($"The filter operator at '{at}' needs a number or a string.");

    private static bool BooleanOperand(JsonElement operand, string at) =>
        operand.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new FormatException($"The filter operator at '{at}' needs true or false."),
        };

    private static string StringOperand(JsonElement operand, string at) =>
        operand.ValueKind == JsonValueKind.String
            ? operand.GetString()!
            : throw new FormatException($"The filter operator at '{at}' needs a string.");

    private static Regex RegexOperand(JsonElement operand, string at)
    {
        var pattern = StringOperand(operand, at);
        try
        {
            return new Regex(pattern, RegexOptions.CultureInvariant, RegexTimeout);
        }
        catch (ArgumentException ex)
        {
            throw new FormatException($"The regular expression at '{at}' is not valid: {ex.Message}", ex);
        }
    }

    private static List<Condition> ListOperand(JsonElement operand, string at, string path)
    {
        if (operand.ValueKind != JsonValueKind.Array || operand.GetArrayLength() == 0)
        {
            throw new FormatException($"The filter operator at '{at}' needs a non-empty array of conditions.");
        }

        return [.. operand.EnumerateArray().Select((e, i) => Compile(e, $"{at}[{i}]"))];
    }

    /// <summary>Compares two JSON scalars: numbers numerically, strings ordinally; null when not comparable.</summary>
    private static int? CompareScalars(JsonElement value, JsonElement operand)
    {
        if (value.ValueKind == JsonValueKind.Number && operand.ValueKind == JsonValueKind.Number)
        {
            if (value.TryGetDecimal(out var left) && operand.TryGetDecimal(out var right))
            {
                return left.CompareTo(right);
            }

            return value.GetDouble().CompareTo(operand.GetDouble());
        }

        if (value.ValueKind == JsonValueKind.String && operand.ValueKind == JsonValueKind.String
            && TryText(value, out var text) && TryText(operand, out var other))
        {
            return string.CompareOrdinal(text, other);
        }

        return null;
    }

    /// <summary>
    /// Reads a string element; false when its escapes spell invalid UTF-16 (a lone surrogate),
    /// which JSON parsing lets through. Such a value matches no text condition, rather than
    /// failing the event on every attempt.
    /// </summary>
    private static bool TryText(JsonElement element, out string text)
    {
        try
        {
            text = element.GetString()!;
            return true;
        }
        catch (InvalidOperationException)
        {
            text = "";
            return false;
        }
    }

    private static bool AreEqual(JsonElement value, JsonElement expected) =>
        value.ValueKind switch
        {
            JsonValueKind.Number => CompareScalars(value, expected) == 0,
            JsonValueKind.String => expected.ValueKind == JsonValueKind.String
                && TryText(value, out var text) && TryText(expected, out var other)
                && string.Equals(text, other, StringComparison.Ordinal),
            JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null => value.ValueKind == expected.ValueKind,
            _ => JsonElement.DeepEquals(value, expected),
        };

    /// <summary>A value under test: a JSON element, the headers of the event, or nothing (a missing field).</summary>
    private readonly struct Value
    {
        private readonly IReadOnlyDictionary<string, string>? _headers;

        private Value(JsonElement element, IReadOnlyDictionary<string, string>? headers, bool exists)
        {
            Element = element;
            _headers = headers;
            Exists = exists;
        }

        public static Value Missing => default;

        public JsonElement Element { get; }

        public bool Exists { get; }

        public bool IsArray => Exists && _headers is null && Element.ValueKind == JsonValueKind.Array;

        public static Value Of(JsonElement element) =>
            element.ValueKind == JsonValueKind.Undefined ? Missing : new Value(element, null, true);

        public static Value OfHeaders(IReadOnlyDictionary<string, string> headers) =>
            new(default, headers, true);

        public Value Field(string name)
        {
            if (_headers is not null)
            {
                foreach (var (key, text) in _headers)
                {
                    if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
                    {
                        return new Value(JsonSerializer.SerializeToElement(text), null, true);
                    }
                }

                return Missing;
            }

            return Exists && Element.ValueKind == JsonValueKind.Object && Element.TryGetProperty(name, out var child)
                ? new Value(child, null, true)
                : Missing;
        }

        public IEnumerable<Value> Elements() => Element.EnumerateArray().Select(e => new Value(e, null, true));
    }

    private abstract class Condition
    {
        public abstract bool Test(Value value);
    }

    /// <summary>Applies a condition to an array's elements (any of them) or to a single value.</summary>
    private sealed class AnyElement(Condition inner) : Condition
    {
        public override bool Test(Value value) =>
            value.IsArray ? value.Elements().Any(inner.Test) : inner.Test(value);
    }

    private sealed class FieldsCondition(List<(string Name, Condition Condition)> fields) : Condition
    {
        public override bool Test(Value value) => fields.All(f => f.Condition.Test(value.Field(f.Name)));
    }

    private sealed class AllCondition(List<Condition> conditions) : Condition
    {
        public override bool Test(Value value) => conditions.All(c => c.Test(value));
    }

    private sealed class OrCondition(List<Condition> conditions) : Condition
    {
        public override bool Test(Value value) => conditions.Any(c => c.Test(value));
    }

    private sealed class NotCondition(Condition inner) : Condition
    {
        public override bool Test(Value value) => !inner.Test(value);
    }

    private sealed class EqualsCondition(JsonElement expected) : Condition
    {
        public override bool Test(Value value) => value.Exists && AreEqual(value.Element, expected);
    }

    private sealed class InCondition(JsonElement[] candidates) : Condition
    {
        public override bool Test(Value value) =>
            value.Exists && candidates.Any(c => AreEqual(value.Element, c));
    }

    private sealed class ContainsAllCondition(JsonElement[] required) : Condition
    {
        public override bool Test(Value value) =>
            value.IsArray && required.All(r => value.Elements().Any(e => AreEqual(e.Element, r)));
    }

    private sealed class CompareCondition(JsonElement operand, Func<int, bool> accept) : Condition
    {
        public override bool Test(Value value) =>
            value.Exists && CompareScalars(value.Element, operand) is { } order && accept(order);
    }

    private sealed class ExistCondition(bool expected) : Condition
    {
        public override bool Test(Value value) => value.Exists == expected;
    }

    private sealed class TextCondition(string operand, Func<string, string, bool> accept) : Condition
    {
        public override bool Test(Value value) =>
            value.Exists && value.Element.ValueKind == JsonValueKind.String
            && TryText(value.Element, out var text) && accept(text, operand);
    }

    private sealed class RegexCondition(Regex regex) : Condition
    {
        public override bool Test(Value value)
        {
            if (!value.Exists || value.Element.ValueKind != JsonValueKind.String
                || !TryText(value.Element, out var text))
            {
                return false;
            }

            try
            {
                return regex.IsMatch(text);
            }
            catch (RegexMatchTimeoutException)
            {
                // A pathological pattern must not stall a partition; it simply does not match.
                return false;
            }
        }
    }
}
