using YamlDotNet.RepresentationModel;

namespace Gateway.Deploy.Tests;

/// <summary>Checks the Kubernetes manifests statically: probes, configuration and scaling are wired.</summary>
public sealed class KubernetesManifestTests
{
    private static readonly List<YamlMappingNode> Documents = Load();

    [Theory]
    [InlineData("ingress")]
    [InlineData("router")]
    [InlineData("replay")]
    public void Deployment_Service_ProbesHealthAndReadsConfiguration(string name)
    {
        var container = Container(name);

        Assert.Equal("/health/ready", Path(container, "readinessProbe", "httpGet", "path"));
        Assert.Equal("/health/live", Path(container, "livenessProbe", "httpGet", "path"));
        var envFrom = ((YamlSequenceNode)container.Children["envFrom"]).Children.Cast<YamlMappingNode>().ToList();
        Assert.Contains(envFrom, e => Path(e, "configMapRef", "name") == "gateway-config");
        Assert.Contains(envFrom, e => Path(e, "secretRef", "name") == "gateway-secrets");
    }

    [Fact]
    public void Configuration_PublicKeys_ArePresent()
    {
        var config = Documents.Single(d => Path(d, "kind") == "ConfigMap");

        Assert.NotNull(Path(config, "data", "Kafka__BootstrapServers"));
        Assert.NotNull(Path(config, "data", "Redis__Configuration"));
    }

    [Fact]
    public void Scaling_IngressOnCpuAndRouterOnLag_TargetTheirDeployments()
    {
        var hpa = Documents.Single(d => Path(d, "kind") == "HorizontalPodAutoscaler");
        var keda = Documents.Single(d => Path(d, "kind") == "ScaledObject");

        Assert.Equal("ingress", Path(hpa, "spec", "scaleTargetRef", "name"));
        Assert.Equal("router", Path(keda, "spec", "scaleTargetRef", "name"));
        var spec = (YamlMappingNode)keda.Children["spec"];
        var trigger = (YamlMappingNode)((YamlSequenceNode)spec.Children["triggers"]).Children[0];
        Assert.Equal("kafka", Path(trigger, "type"));
        Assert.Equal("gateway-router", Path(trigger, "metadata", "consumerGroup"));
    }

    [Fact]
    public void Kustomization_Resources_AllExist()
    {
        var folder = System.IO.Path.Combine(ComposeFileTests.RepositoryRoot(), "deploy", "k8s");
        var stream = new YamlStream();
        using (var reader = new StreamReader(System.IO.Path.Combine(folder, "kustomization.yaml")))
        {
            stream.Load(reader);
        }

        var resources = (YamlSequenceNode)((YamlMappingNode)stream.Documents[0].RootNode).Children["resources"];
        Assert.NotEmpty(resources.Children);
        Assert.All(
            resources.Children,
            r => Assert.True(File.Exists(System.IO.Path.Combine(folder, r.ToString())), r.ToString()));
    }

    private static YamlMappingNode Container(string deployment)
    {
        var document = Documents.Single(d =>
            Path(d, "kind") == "Deployment" && Path(d, "metadata", "name") == deployment);
        var template = (YamlMappingNode)((YamlMappingNode)document.Children["spec"]).Children["template"];
        var spec = (YamlMappingNode)template.Children["spec"];
        return (YamlMappingNode)((YamlSequenceNode)spec.Children["containers"]).Children[0];
    }

    private static string? Path(YamlMappingNode node, params string[] keys)
    {
        YamlNode current = node;
        foreach (var key in keys)
        {
            if (current is not YamlMappingNode map || !map.Children.TryGetValue(new YamlScalarNode(key), out var next))
            {
                return null;
            }

            current = next;
        }

        return (current as YamlScalarNode)?.Value;
    }

    private static List<YamlMappingNode> Load()
    {
        var folder = System.IO.Path.Combine(ComposeFileTests.RepositoryRoot(), "deploy", "k8s");
        var documents = new List<YamlMappingNode>();
        var files = Directory.GetFiles(folder, "*.yaml")
            .Where(f => !f.EndsWith("kustomization.yaml", StringComparison.Ordinal));
        foreach (var file in files)
        {
            var stream = new YamlStream();
            using var reader = new StreamReader(file);
            stream.Load(reader);
            documents.AddRange(stream.Documents.Select(d => (YamlMappingNode)d.RootNode));
        }

        return documents;
    }
}
