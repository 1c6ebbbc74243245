using YamlDotNet.RepresentationModel;

namespace Gateway.Deploy.Tests;

/// <summary>
/// Checks docker-compose.yml statically (no Docker engine runs in CI): every service the gateway
/// ships is there, wired to Kafka and Redis with the public configuration keys, with a health check.
/// </summary>
public sealed class ComposeFileTests
{
    private static readonly YamlMappingNode Services = LoadServices();

    [Theory]
    [InlineData("ingress", "Ingress")]
    [InlineData("router", "Router")]
    [InlineData("replay", "Replay")]
    public void Service_Gateway_BuildsItsImageAndPointsAtKafka(string name, string serviceArg)
    {
        var service = Map(Services, name);
        var build = Map(service, "build");
        var environment = Map(service, "environment");

        Assert.Equal(serviceArg, Scalar(Map(build, "args"), "SERVICE"));
        Assert.Equal("kafka:9092", Scalar(environment, "Kafka__BootstrapServers"));
        Assert.True(service.Children.ContainsKey("healthcheck"), $"{name} has no healthcheck");
    }

    [Fact]
    public void Router_Redis_UsesThePublicKey()
    {
        var environment = Map(Map(Services, "router"), "environment");

        Assert.Equal("redis:6379", Scalar(environment, "Redis__Configuration"));
    }

    [Fact]
    public void Topics_Created_IncludeTheGatewayTopics()
    {
        var command = ((YamlSequenceNode)Map(Services, "kafka-topics").Children["command"]).Children[0].ToString();

        Assert.Contains("gateway.dlq", command, StringComparison.Ordinal);
        Assert.Contains("gateway.replay", command, StringComparison.Ordinal);
        Assert.Contains("gateway.retry.1", command, StringComparison.Ordinal);
    }

    [Fact]
    public void Dockerfile_Service_PublishesTheNamedProject()
    {
        var dockerfile = File.ReadAllText(Path.Combine(RepositoryRoot(), "Dockerfile"));

        Assert.Contains("services/${SERVICE}/Gateway.${SERVICE}.csproj", dockerfile, StringComparison.Ordinal);
        foreach (var service in new[] { "Ingress", "Router", "Replay" })
        {
            Assert.True(File.Exists(Path.Combine(RepositoryRoot(), "services", service, $"Gateway.{service}.csproj")));
        }
    }

    private static YamlMappingNode LoadServices()
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(Path.Combine(RepositoryRoot(), "docker-compose.yml"));
        stream.Load(reader);
        return Map((YamlMappingNode)stream.Documents[0].RootNode, "services");
    }

    private static YamlMappingNode Map(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child)
            ? (YamlMappingNode)child
            : throw new Xunit.Sdk.XunitException($"'{key}' is missing");

    private static string? Scalar(YamlMappingNode node, string key)
    {
        if (node.Children.TryGetValue(new YamlScalarNode(key), out var child))
        {
            return ((YamlScalarNode)child).Value;
        }

        // YAML merge keys (`<<: *anchor`), as Compose resolves them.
        return node.Children.TryGetValue(new YamlScalarNode("<<"), out var merged) && merged is YamlMappingNode parent
            ? Scalar(parent, key)
            : null;
    }

    internal static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Gateway.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName
            ?? throw new InvalidOperationException("Gateway.sln not found above the test folder");
    }
}
