using Confluent.Kafka;

namespace Gateway.Benchmarks;

/// <summary>What every scenario shares in one run: the plan, Redis, the report and the log.</summary>
internal sealed class BenchContext(RunPlan plan, RedisServer redis, BenchReport report, ILogger logger)
{
    /// <summary>How long a service may take from process start to a healthy readiness answer.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(40);

    public RunPlan Plan { get; } = plan;
    public RedisServer Redis { get; } = redis;
    public BenchReport Report { get; } = report;
    public ILogger Logger { get; } = logger;
    public StripeEvents Events { get; } = new(ServiceContract.IngressSecretValue);

    /// <summary>Whether the stand-ins replace the real services (<c>--stand-ins</c>, harness checks only).</summary>
    public bool StandIns => Report.StandIns;

    public ChildService StartIngress(string name, IReadOnlyDictionary<string, string> environment) => StandIns
        ? ChildService.StartSelf(name, Gateway.Benchmarks.StandIns.IngressRole, environment)
        : ChildService.Start(
            name,
            Repository.ServiceAssembly(ServiceContract.IngressProject, ServiceContract.IngressAssembly),
            [],
            environment);

    public ChildService StartRouter(string name, IReadOnlyDictionary<string, string> environment) => StandIns
        ? ChildService.StartSelf(name, Gateway.Benchmarks.StandIns.RouterRole, environment)
        : ChildService.Start(
            name,
            Repository.ServiceAssembly(ServiceContract.RouterProject, ServiceContract.RouterAssembly),
            [],
            environment);

    /// <summary>Errors of the harness itself (not of a measured service), for the short mode's exit code.</summary>
    public List<string> HarnessErrors { get; } = [];

    /// <summary>
    /// Runs one part of a scenario; a service that does not work fails only that part, with the
    /// reason; anything else is also recorded as a harness error.
    /// </summary>
    public async Task<bool> TryAsync(string name, ScenarioReport target, Func<Task> body)
    {
        try
        {
            await body();
            if (target.Status == "not_run")
            {
                target.Status = "ok";
            }

            return target.Status == "ok";
        }
        catch (Exception ex) when (IsServiceFailure(ex))
        {
            var reason = ex is ScenarioFailedException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}";
            target.Fail(reason);
            BenchLog.ScenarioFailed(Logger, name, reason);
            return false;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            target.Fail($"harness error {ex.GetType().Name}: {ex.Message}");
            HarnessErrors.Add($"{name}: {ex.GetType().Name}: {ex.Message}");
            BenchLog.HarnessError(Logger, ex, name);
            return false;
        }
    }

    private static bool IsServiceFailure(Exception ex) =>
        ex is ScenarioFailedException or KafkaException or HttpRequestException or TimeoutException;
}
