namespace Gateway.Benchmarks;

/// <summary>A scenario that could not produce honest numbers; the reason goes into the report.</summary>
internal sealed class ScenarioFailedException : Exception
{
    public ScenarioFailedException()
    {
    }

    public ScenarioFailedException(string message)
        : base(message)
    {
    }

    public ScenarioFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
