using System.Globalization;
using Gateway.MockKafka;

// The whole gateway on one machine with no external services: the embedded Kafka-protocol
// broker runs inside this process, redis-server runs as an executable, and the three services
// and a demo downstream run as projects. Addresses reach the services as environment variables.
var builder = DistributedApplication.CreateBuilder(args);

var partitions = int.Parse(builder.Configuration["Gateway:Partitions"] ?? "6", CultureInfo.InvariantCulture);
using var kafka = MockCluster.Start(3);
foreach (var topic in new[] { "webhooks.demo", "webhooks.github", "webhooks.stripe", "gateway.dlq", "gateway.replay" })
{
    kafka.CreateTopic(topic, partitions);
}

for (var level = 1; level <= 5; level++)
{
    kafka.CreateTopic($"gateway.retry.{level}", partitions);
}

Console.WriteLine("bootstrap.servers=" + kafka.BootstrapServers);

var redisPort = builder.Configuration["Gateway:RedisPort"] ?? "6390";
builder.AddExecutable(
    "redis",
    "redis-server",
    ".",
    "--port", redisPort,
    "--bind", "127.0.0.1",
    "--save", "",
    "--appendonly", "no");
var redis = $"127.0.0.1:{redisPort}";

var downstream = builder.AddProject<Projects.Gateway_DemoDownstream>("demo-downstream", launchProfileName: null)
    .WithHttpEndpoint(port: 5090);

builder.AddProject<Projects.Gateway_Ingress>("ingress", launchProfileName: null)
    .WithHttpEndpoint(port: 5080)
    .WithEnvironment("Kafka__BootstrapServers", kafka.BootstrapServers)
    .WithEnvironment("Ingress__Sources__github__Scheme", "github")
    .WithEnvironment("Ingress__Sources__github__Secrets__0", "demo-github-secret")
    .WithEnvironment("Ingress__Sources__stripe__Scheme", "stripe")
    .WithEnvironment("Ingress__Sources__stripe__Secrets__0", "whsec_demo_stripe_secret")
    .WithEnvironment("Ingress__Sources__demo__Scheme", "bearer")
    .WithEnvironment("Ingress__Sources__demo__Secrets__0", "demo-token");

builder.AddProject<Projects.Gateway_Router>("router", launchProfileName: null)
    .WithHttpEndpoint(port: 5081)
    .WithEnvironment("Kafka__BootstrapServers", kafka.BootstrapServers)
    .WithEnvironment("Redis__Configuration", redis)
    .WithEnvironment("Router__Admin__Token", "demo-admin-token")
    .WithEnvironment("Router__Destinations__crm__Type", "http")
    .WithEnvironment(
        "Router__Destinations__crm__Url",
        ReferenceExpression.Create($"{downstream.GetEndpoint("http")}/crm"))
    .WithEnvironment("Router__Destinations__crm__AllowPrivateNetworks", "true")
    .WithEnvironment("Router__Destinations__erp__Type", "http")
    .WithEnvironment(
        "Router__Destinations__erp__Url",
        ReferenceExpression.Create($"{downstream.GetEndpoint("http")}/erp"))
    .WithEnvironment("Router__Destinations__erp__AllowPrivateNetworks", "true")
    .WithEnvironment("Router__Routes__everything__Destinations__0", "crm")
    .WithEnvironment("Router__Routes__everything__Destinations__1", "erp")
    .WithReference(downstream)
    .WaitFor(downstream);

builder.AddProject<Projects.Gateway_Replay>("replay", launchProfileName: null)
    .WithHttpEndpoint(port: 5082)
    .WithEnvironment("Kafka__BootstrapServers", kafka.BootstrapServers);

await builder.Build().RunAsync();
