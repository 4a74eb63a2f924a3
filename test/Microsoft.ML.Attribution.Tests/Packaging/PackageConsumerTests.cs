using System.Diagnostics;
using System.IO.Compression;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Attribution.Cli.Report;
using Microsoft.ML.Attribution.Tests.Onnx;

namespace Microsoft.ML.Attribution.Tests.Packaging;

/// <summary>
/// What a new user does, in a temporary folder with nothing of the repository but its NuGet sources: the freshly packed library from a
/// local folder feed into `dotnet new console` with Microsoft.ML and TorchSharp-cpu, the README's quickstart pasted as Program.cs, built and
/// run on the bundled samples; and the CLI installed as a .NET tool and run on one image. The packs build a copy of the working tree
/// (sources and .git, no build output), so they never rewrite the assemblies this test run has loaded; each gets a version of its own,
/// so the NuGet cache never serves an older build of the same version.
/// </summary>
[TestClass]
public sealed partial class PackageConsumerTests
{
    private static readonly string Repository = TorchvisionExportTests.RepositoryRoot();
    private static readonly string[] Copied = [".git", "src", "eng", "docs", "Directory.Build.props", "Directory.Build.targets", "NuGet.config", "global.json", "LICENSE", "README.md"];
    private static string Root = "";

    [ClassInitialize]
    public static void CopyWorkingTree(TestContext context)
    {
        Root = NewFolder("source");
        foreach (string name in Copied)
        {
            string from = Path.Combine(Repository, name);
            if (File.Exists(from)) File.Copy(from, Path.Combine(Root, name));
            else CopyFolder(from, Path.Combine(Root, name));
        }
    }

    [ClassCleanup]
    public static void DeleteCopy()
    {
        if (Root.Length > 0 && Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (string folder in Directory.GetDirectories(from))
            if (Path.GetFileName(folder) is not ("bin" or "obj" or "TestResults"))
                CopyFolder(folder, Path.Combine(to, Path.GetFileName(folder)));
    }

    [TestMethod]
    public void A_new_console_project_runs_the_README_quickstart_from_the_packed_package()
    {
        string work = NewFolder("consumer");
        string version = TestVersion();
        string feed = Path.Combine(work, "feed");
        Dotnet(Root, "pack", "src/Microsoft.ML.Attribution", "-c", "Release", "-o", feed, $"-p:Version={version}");
        string package = Path.Combine(feed, $"Microsoft.ML.Attribution.{version}.nupkg");
        Assert.IsTrue(File.Exists(package), $"no {package}");
        Assert.IsTrue(File.Exists(Path.Combine(feed, $"Microsoft.ML.Attribution.{version}.snupkg")), "the symbols package");
        CheckPackageContents(package, version);

        string app = Path.Combine(work, "app");
        Dotnet(work, "new", "console", "-o", app, "--framework", "net10.0");
        WriteNuGetConfig(app, feed);
        Dotnet(app, "add", "package", "Microsoft.ML", "--version", "6.0.0");
        Dotnet(app, "add", "package", "TorchSharp-cpu", "--version", "0.107.0");
        Dotnet(app, "add", "package", "Microsoft.ML.Attribution", "--version", version);
        File.WriteAllText(Path.Combine(app, "Program.cs"), ReadmeQuickstart());
        Dotnet(app, "build", "-c", "Release");

        string assets = SampleAssets.Locate() ?? throw new AssertFailedException("the bundled sample assets were not found");
        string[] images = Directory.GetFiles(Path.Combine(assets, "shapes-voc", "JPEGImages"), "*.png").Order(StringComparer.Ordinal).Take(2).ToArray();
        string output = Dotnet(app, ["run", "-c", "Release", "--no-build", "--", Path.Combine(assets, "models", "shapes_vgg.onnx"), .. images]);
        foreach (string image in images)
        {
            string stem = Path.GetFileNameWithoutExtension(image);
            Match line = Regex.Match(output, $@"{Regex.Escape(Path.GetFileName(image))}: class (\d) \(logit -?[0-9.]+\) -> (\S+)");
            Assert.IsTrue(line.Success, $"no result line for {stem} in:\n{output}");
            string heatmap = Path.Combine(app, line.Groups[2].Value);
            Assert.IsTrue(File.Exists(heatmap), $"{stem}: the heatmap {heatmap} was written");
            Assert.IsGreaterThan(1000L, new FileInfo(heatmap).Length, $"{stem}: the heatmap is an image");
        }
        DeleteFromNuGetCache("microsoft.ml.attribution", version);
        Directory.Delete(work, recursive: true);   // the app's output holds a copy of libtorch (~1.4 GB)
    }

    [TestMethod]
    public void The_CLI_installs_as_a_dotnet_tool_and_explains_an_image()
    {
        string work = NewFolder("tool");
        string version = TestVersion();
        string feed = Path.Combine(work, "feed");
        // The machine's platform only: a package per platform carries its libtorch (~200 MB compressed each).
        Dotnet(Root, "pack", "src/Samples/Attribution.Cli", "-c", "Release", "-o", feed, $"-p:Version={version}",
            "-p:ToolPackageRuntimeIdentifiers=linux-x64", "-p:RuntimeIdentifiers=linux-x64");
        Assert.IsTrue(Directory.GetFiles(feed, $"Microsoft.ML.Attribution.Cli.*{version}.nupkg").Length > 0, "the tool package");

        string tools = Path.Combine(work, "tools");
        WriteNuGetConfig(work, feed);
        Dotnet(work, "tool", "install", "Microsoft.ML.Attribution.Cli", "--version", version, "--tool-path", tools);
        string tool = Path.Combine(tools, "attribution");
        Assert.IsTrue(File.Exists(tool), "the `attribution` command");

        string assets = SampleAssets.Locate() ?? throw new AssertFailedException("the bundled sample assets were not found");
        string image = Directory.GetFiles(Path.Combine(assets, "shapes-voc", "JPEGImages"), "*.png").Order(StringComparer.Ordinal).First();
        string output = Path.Combine(work, "explained");
        Run(work, tool, "explain", "--model", Path.Combine(assets, "models", "shapes_vgg.onnx"), "--input", image, "--method", "gradient", "--out", output);
        string stem = Path.GetFileNameWithoutExtension(image);
        Assert.IsTrue(File.Exists(Path.Combine(output, $"{stem}.gradient.png")), "the overlay");
        Assert.IsTrue(File.Exists(Path.Combine(output, "results.json")), "results.json");
        DeleteFromNuGetCache("microsoft.ml.attribution.cli", version);
        DeleteFromNuGetCache("microsoft.ml.attribution.cli.linux-x64", version);
        Directory.Delete(work, recursive: true);   // the installed tool holds a copy of libtorch (~0.9 GB)
    }

    /// <summary>What the package says of itself: the dependencies (no native TorchSharp package), README, license, docs, load fix, source.</summary>
    private static void CheckPackageContents(string package, string version)
    {
        using ZipArchive zip = ZipFile.OpenRead(package);
        string[] entries = zip.Entries.Select(e => e.FullName).ToArray();
        foreach (string expected in new[] { "README.md", "LICENSE", "lib/net10.0/Microsoft.ML.Attribution.dll", "lib/net10.0/Microsoft.ML.Attribution.xml",
                     "buildTransitive/Microsoft.ML.Attribution.targets", "buildTransitive/TorchSharpLoadFix.targets" })
            CollectionAssert.Contains(entries, expected, $"the package holds {expected}");
        ZipArchiveEntry nuspecEntry = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using Stream stream = nuspecEntry.Open();
        XDocument nuspec = XDocument.Load(stream);
        XNamespace ns = nuspec.Root!.Name.Namespace;
        XElement metadata = nuspec.Root.Element(ns + "metadata")!;
        Assert.AreEqual(version, metadata.Element(ns + "version")!.Value);
        Assert.AreEqual("MIT", metadata.Element(ns + "license")!.Value);
        Assert.AreEqual("README.md", metadata.Element(ns + "readme")!.Value);
        XElement? repository = metadata.Element(ns + "repository");
        Assert.IsNotNull(repository, "repository metadata");
        Assert.MatchesRegex(new Regex("^[0-9a-f]{40}$"), repository.Attribute("commit")?.Value ?? "", "the commit it was built from");
        string[] dependencies = metadata.Descendants(ns + "dependency").Select(d => d.Attribute("id")!.Value).ToArray();
        foreach (string id in new[] { "Microsoft.ML", "Microsoft.ML.ImageAnalytics", "TorchSharp" })
            CollectionAssert.Contains(dependencies, id, $"depends on {id}");
        Assert.IsFalse(dependencies.Any(d => d.StartsWith("TorchSharp-", StringComparison.OrdinalIgnoreCase) || d.StartsWith("libtorch", StringComparison.OrdinalIgnoreCase)),
            "no native package: the application picks TorchSharp-cpu or a CUDA one; got " + string.Join(", ", dependencies));
    }

    /// <summary>The C# block under the README's "Quickstart" heading, as a user would paste it.</summary>
    internal static string ReadmeQuickstart()
    {
        string readme = File.ReadAllText(Path.Combine(Repository, "README.md"));
        Match section = QuickstartBlock().Match(readme);
        Assert.IsTrue(section.Success, "README.md has a Quickstart section with a ```csharp block");
        return section.Groups[1].Value;
    }

    [GeneratedRegex(@"\n## Quickstart[^\n]*\n.*?```csharp\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex QuickstartBlock();

    /// <summary>The repository's package sources (the served feed) plus the local folder feed, for a project outside the repository.</summary>
    private static void WriteNuGetConfig(string folder, string feed)
    {
        XDocument config = XDocument.Load(Path.Combine(Repository, "NuGet.config"));
        XElement sources = config.Root!.Element("packageSources")!;
        sources.Add(new XElement("add", new XAttribute("key", "local-feed"), new XAttribute("value", feed)));
        config.Save(Path.Combine(folder, "nuget.config"));
    }

    private static string TestVersion() => $"0.0.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}{Random.Shared.Next(1000):D3}";

    private static string NewFolder(string name) => Transforms.TransformFixtures.TempFolder("packaging-" + name);

    private static void DeleteFromNuGetCache(string id, string version)
    {
        string nugetRoot = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } packages ? packages
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string folder = Path.Combine(nugetRoot, id, version);
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    private static string Dotnet(string folder, params string[] args) => Run(folder, "dotnet", args);

    /// <summary>Runs a command to completion (20 minutes at most) and returns its output; a non-zero exit fails the test with both streams.</summary>
    private static string Run(string folder, string command, params string[] args)
    {
        // The test host's MSBuild settings must not leak into a separate build.
        (string, string?)[] environment = [("DOTNET_CLI_TELEMETRY_OPTOUT", "1"), ("DOTNET_NOLOGO", "1"),
            .. new[] { "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "MSBuildExtensionsPath", "DOTNET_HOST_PATH" }.Select(v => (v, (string?)null))];
        var (exitCode, output, error) = ChildProcess.Run(command, args, TimeSpan.FromMinutes(20), folder, environment);
        Assert.AreEqual(0, exitCode, $"`{command} {string.Join(' ', args)}` in {folder} failed:\n{output}\n{error}");
        return output;
    }
}
