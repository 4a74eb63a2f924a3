using Attribution.Cli.Shared;
using Microsoft.ML.Attribution.Datasets;

namespace Attribution.Cli.Evaluation;

/// <summary>The (image, class present) pairs of a dataset, as TorchRay evaluates them: every pair is explained for its class.</summary>
internal sealed record PairItems(IReadOnlyList<AnnotatedImage> Images, IReadOnlyList<(int Image, string ClassName, int ClassIndex)> Pairs)
{
    public static PairItems Create(AnnotatedDataset dataset, IReadOnlyList<string> modelClasses, int? limit)
    {
        var images = dataset.Images.Take(limit ?? int.MaxValue).ToList();
        var pairs = new List<(int, string, int)>();
        for (int i = 0; i < images.Count; i++)
        {
            foreach (string name in images[i].ClassesPresent)
            {
                int index = modelClasses.ToList().IndexOf(name);
                if (index < 0)
                    throw new CliUsageException($"Class '{name}' of '{images[i].Name}' is not among the model's classes ({string.Join(", ", modelClasses)}); pass --classes.");
                pairs.Add((i, name, index));
            }
        }
        return new PairItems(images, pairs);
    }

    /// <summary>One input item per pair (the image file), named image.class.</summary>
    public IReadOnlyList<InputItem> ToInputs() =>
        Pairs.Select(p => new InputItem($"{Images[p.Image].Name}.{p.ClassName}", Images[p.Image].Path, Images[p.Image].Path, null, 0, 0, 0, null)).ToList();

    public IReadOnlyList<int> Targets => Pairs.Select(p => p.ClassIndex).ToList();
}
