using System.Text.RegularExpressions;
using Gateway.Router.Delivery;
using Microsoft.Extensions.Options;

namespace Gateway.Router;

/// <summary>A (route, destination) pair chosen for an event.</summary>
internal sealed record RouteTarget(string Route, string Destination, bool Strict = false);

/// <summary>The configured routes, compiled once; picks the destinations of each event.</summary>
internal sealed class RouteTable
{
    private readonly List<CompiledRoute> _routes;

    public RouteTable(IOptions<RouterOptions> options)
    {
        _routes = [.. options.Value.Routes
            .OrderBy(r => r.Key, StringComparer.Ordinal)
            .Select(r => new CompiledRoute(r.Key, r.Value))];
    }

    /// <summary>Every destination that should have the event, each once, with the first route that chose it.</summary>
    public List<RouteTarget> Match(RoutedEvent routedEvent)
    {
        var targets = new List<RouteTarget>();
        foreach (var route in _routes)
        {
            if (!route.Matches(routedEvent))
            {
                continue;
            }

            foreach (var destination in route.Destinations)
            {
                var index = targets.FindIndex(t => t.Destination == destination);
                if (index < 0)
                {
                    targets.Add(new RouteTarget(route.Name, destination, route.Strict));
                }
                else if (route.Strict && !targets[index].Strict)
                {
                    // One strict route is enough to keep that destination's order.
                    targets[index] = targets[index] with { Strict = true };
                }
            }
        }

        return targets;
    }

    /// <summary>Turns a pattern with <c>*</c> wildcards into an anchored, case-sensitive regex.</summary>
    internal static Regex Wildcard(string pattern) =>
        new(
            "^" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal) + "$",
            RegexOptions.CultureInvariant | RegexOptions.Compiled,
            TimeSpan.FromMilliseconds(100));

    private sealed class CompiledRoute(string name, RouteOptions options)
    {
        private readonly HashSet<string> _sources = new(options.Sources, StringComparer.Ordinal);
        private readonly Regex[] _types = [.. options.Types.Select(Wildcard)];
        private readonly Regex[] _subjects = [.. options.Subjects.Select(Wildcard)];

        // The validator has already parsed the filter, so a bad one never gets here.
        private readonly RouteFilter? _filter =
            string.IsNullOrWhiteSpace(options.Filter) ? null : RouteFilter.Parse(options.Filter);

        public string Name { get; } = name;

        public IReadOnlyList<string> Destinations { get; } = options.Destinations;

        public bool Strict { get; } = options.StrictOrdering;

        // The filter goes last: it may parse the body, which the cheap checks often make unnecessary.
        public bool Matches(RoutedEvent routedEvent) =>
            (_sources.Count == 0 || _sources.Contains(routedEvent.SourceName))
            && (_types.Length == 0 || Array.Exists(_types, t => t.IsMatch(routedEvent.Type)))
            && (_subjects.Length == 0
                || (routedEvent.Subject is { } subject && Array.Exists(_subjects, s => s.IsMatch(subject))))
            && (_filter is null
                || _filter.Matches(TransformEvent.FromRecord(routedEvent.Headers, routedEvent.Record.Message.Value)));
    }
}
