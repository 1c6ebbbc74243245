using System.Reflection;

namespace Gateway.Benchmarks;

/// <summary>Finds the repository root (the folder with Gateway.sln) from the running executable.</summary>
internal static class Repository
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    public static string Root => RootPath.Value;

    /// <summary>
    /// The configuration the benchmark was built in (Release under <c>make bench</c>); the services
    /// are built with it, so their output is looked for there.
    /// </summary>
    public static string Configuration { get; } =
        typeof(Repository).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";

    public static string ServiceAssembly(string project, string assembly) => Path.Combine(
        Root, project, "bin", Configuration, ServiceContract.TargetFramework, assembly + ".dll");

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Gateway.sln")))
            {
                return folder.FullName;
            }
        }

        for (var folder = new DirectoryInfo(Environment.CurrentDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Gateway.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("Gateway.sln was not found above the benchmark or the current folder.");
    }
}
