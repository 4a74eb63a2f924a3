using TorchSharp;
using Microsoft.ML.Attribution.Tensors;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Microsoft.ML.Attribution.Metrics;

/// <summary>
/// Deletion and insertion (Petsiuk et al., RISE, BMVC 2018; methods.md §6.3). Pixels are ordered by decreasing
/// saliency (ties: row-major order). Deletion starts from the image and replaces the next <c>PixelsPerStep</c> pixels
/// (all channels) by the substrate at each step; insertion starts from the substrate and copies the image's pixels in.
/// The target probability is recorded before the first step and after each step, and the AUC is the trapezoidal area
/// under probability against fraction of pixels changed, over [0, 1]. Perturbed images go to the model in batches.
/// When H·W is not a multiple of the step the last step is partial and keeps its true width on the x axis
/// (RISE's own auc() spaces all points equally; the two agree whenever the step divides H·W).
/// </summary>
public static class DeletionInsertion
{
    /// <param name="targetProbabilities">
    /// Maps a batch [N, C, H, W] to the target class's probability per image, [N] or [N, 1]. The batch belongs to the
    /// caller only during the call; tensors it returns are disposed here.
    /// </param>
    /// <param name="image">The model input [C, H, W] (already normalized as the model expects).</param>
    /// <param name="map">Single-channel saliency [H, W] at the input's resolution.</param>
    /// <param name="options">Step, substrates and batch size; defaults follow §6.3.</param>
    public static PerturbationCurve Deletion(Func<Tensor, Tensor> targetProbabilities, Tensor image, Tensor map, DeletionInsertionOptions? options = null) =>
        Evaluate(PerturbationMode.Deletion, targetProbabilities, image, Map2D.From(map, nameof(map)), options ?? new());

    /// <inheritdoc cref="Deletion(Func{Tensor, Tensor}, Tensor, Tensor, DeletionInsertionOptions?)"/>
    public static PerturbationCurve Deletion(Func<Tensor, Tensor> targetProbabilities, Tensor image, float[,] map, DeletionInsertionOptions? options = null) =>
        Evaluate(PerturbationMode.Deletion, targetProbabilities, image, Map2D.From(map, nameof(map)), options ?? new());

    /// <inheritdoc cref="Deletion(Func{Tensor, Tensor}, Tensor, Tensor, DeletionInsertionOptions?)"/>
    public static PerturbationCurve Insertion(Func<Tensor, Tensor> targetProbabilities, Tensor image, Tensor map, DeletionInsertionOptions? options = null) =>
        Evaluate(PerturbationMode.Insertion, targetProbabilities, image, Map2D.From(map, nameof(map)), options ?? new());

    /// <inheritdoc cref="Deletion(Func{Tensor, Tensor}, Tensor, Tensor, DeletionInsertionOptions?)"/>
    public static PerturbationCurve Insertion(Func<Tensor, Tensor> targetProbabilities, Tensor image, float[,] map, DeletionInsertionOptions? options = null) =>
        Evaluate(PerturbationMode.Insertion, targetProbabilities, image, Map2D.From(map, nameof(map)), options ?? new());

    /// <summary>The substrate image [C, H, W] for an input [C, H, W] (a new tensor; the caller disposes it).</summary>
    public static Tensor CreateSubstrate(Tensor image, PerturbationSubstrate substrate, DeletionInsertionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        RequireImage(image);
        options ??= new();
        using DisposeScope scope = NewDisposeScope();
        Tensor result = substrate switch
        {
            PerturbationSubstrate.Zero => zeros_like(image),
            PerturbationSubstrate.Mean => image.mean([1, 2], keepdim: true).expand_as(image).contiguous(),
            PerturbationSubstrate.Blur => Blur(image, options.BlurKernelSize, options.BlurSigma),
            _ => throw new ArgumentOutOfRangeException(nameof(substrate), substrate, "Unknown substrate."),
        };
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// RISE's blur kernel: scipy's gaussian_filter(σ) applied to a centred unit impulse in a size × size array, i.e. a
    /// Gaussian truncated at 4σ whose tails are folded back by scipy's 'reflect' boundary. Sums to 1.
    /// </summary>
    internal static double[,] BlurKernel(int size, double sigma)
    {
        if (size < 1 || size % 2 == 0) throw new ArgumentOutOfRangeException(nameof(size), size, "The blur kernel size must be odd and positive.");
        if (!(sigma > 0)) throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "The blur sigma must be positive.");
        int radius = (int)(4 * sigma + 0.5); // scipy's default truncate = 4
        var weights = new double[2 * radius + 1];
        for (int j = -radius; j <= radius; j++) weights[j + radius] = Math.Exp(-0.5 * j * j / (sigma * sigma));
        double total = weights.Sum();
        var profile = new double[size];
        int centre = size / 2;
        for (int i = 0; i < size; i++)
            for (int j = -radius; j <= radius; j++)
                if (Reflect(i + j, size) == centre) profile[i] += weights[j + radius] / total;
        var kernel = new double[size, size];
        for (int a = 0; a < size; a++)
            for (int b = 0; b < size; b++)
                kernel[a, b] = profile[a] * profile[b]; // the impulse is separable, so the 2-D result is an outer product
        return kernel;
    }

    /// <summary>Trapezoidal area under y(x).</summary>
    internal static double TrapezoidalArea(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        double area = 0;
        for (int i = 1; i < x.Count; i++) area += (x[i] - x[i - 1]) * (y[i] + y[i - 1]) / 2;
        return area;
    }

    private static PerturbationCurve Evaluate(PerturbationMode mode, Func<Tensor, Tensor> targetProbabilities, Tensor image, Map2D map,
        DeletionInsertionOptions options)
    {
        ArgumentNullException.ThrowIfNull(targetProbabilities);
        ArgumentNullException.ThrowIfNull(image);
        RequireImage(image);
        long height = image.shape[1], width = image.shape[2];
        if (map.Height != height || map.Width != width)
            throw new ArgumentException($"The map is {map.Height}×{map.Width} but the image is {height}×{width}; " +
                "deletion/insertion needs the map at the input's resolution.", "map");
        map.RequireFinite("map");
        if (options.BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(options), options.BatchSize, "BatchSize must be at least 1.");
        int pixels = map.Values.Length;
        int step = options.PixelsPerStep ?? (int)Math.Ceiling(pixels / (double)DeletionInsertionOptions.DefaultStepCount);
        if (step < 1) throw new ArgumentOutOfRangeException(nameof(options), step, "PixelsPerStep must be at least 1.");
        int steps = (pixels + step - 1) / step;
        PerturbationSubstrate substrate = mode == PerturbationMode.Deletion ? options.DeletionSubstrate : options.InsertionSubstrate;

        // rank[p] = position of pixel p in the salient order; after changing k pixels, exactly those with rank < k are changed.
        double[] saliency = map.Values;
        int[] order = Enumerable.Range(0, pixels).OrderByDescending(p => saliency[p]).ToArray(); // stable: ties keep row-major order
        var rank = new long[pixels];
        for (int position = 0; position < pixels; position++) rank[order[position]] = position;

        var fractions = new double[steps + 1];
        var probabilities = new double[steps + 1];
        var changed = new long[steps + 1];
        for (int i = 0; i <= steps; i++)
        {
            changed[i] = Math.Min((long)i * step, pixels);
            fractions[i] = changed[i] / (double)pixels;
        }

        using IDisposable noGrad = no_grad();
        using DisposeScope scope = NewDisposeScope();
        Tensor ranks = tensor(rank, new long[] { 1, 1, height, width }, device: image.device);
        Tensor substrateImage = CreateSubstrate(image, substrate, options);
        Tensor start = (mode == PerturbationMode.Deletion ? image : substrateImage).unsqueeze(0);
        Tensor finish = (mode == PerturbationMode.Deletion ? substrateImage : image).unsqueeze(0);
        for (int first = 0; first <= steps; first += options.BatchSize)
        {
            int count = Math.Min(options.BatchSize, steps + 1 - first);
            using DisposeScope batchScope = NewDisposeScope();
            Tensor thresholds = tensor(changed.AsSpan(first, count).ToArray(), new long[] { count, 1, 1, 1 }, device: image.device);
            Tensor batch = where(ranks.lt(thresholds), finish, start); // [count, C, H, W]
            Tensor output = targetProbabilities(batch) ?? throw new InvalidOperationException("The model callback returned null.");
            if (output.numel() != count || output.dim() > 2 || (output.dim() == 2 && output.shape[1] != 1))
                throw new InvalidOperationException($"The model callback must return the target probability per image, [{count}] or [{count}, 1], " +
                    $"for a batch of {count}; it returned shape [{string.Join(", ", output.shape)}].");
            double[] values = output.to(float64).ToArray<double>();
            values.CopyTo(probabilities, first);
        }
        return new PerturbationCurve(mode, substrate, step, fractions, probabilities, TrapezoidalArea(fractions, probabilities));
    }

    private static Tensor Blur(Tensor image, int size, double sigma)
    {
        double[,] kernel = BlurKernel(size, sigma);
        var flat = new double[kernel.Length];
        Buffer.BlockCopy(kernel, 0, flat, 0, flat.Length * sizeof(double));
        long channels = image.shape[0];
        Tensor weight = tensor(flat, new long[] { 1, 1, size, size }, dtype: image.dtype, device: image.device).expand(channels, 1, size, size).contiguous();
        // Zero padding, as RISE's conv2d(x, kern, padding=klen//2): borders darken toward 0.
        return F.conv2d(image.unsqueeze(0), weight, padding: [size / 2], groups: channels).squeeze(0);
    }

    private static void RequireImage(Tensor image)
    {
        if (image.dim() != 3)
            throw new ArgumentException($"Expected one image [C, H, W], got shape [{string.Join(", ", image.shape)}].", nameof(image));
        if (image.dtype is not (ScalarType.Float32 or ScalarType.Float64))
            throw new ArgumentException($"Expected a float32 or float64 image, got {image.dtype}.", nameof(image));
    }

    /// <summary>scipy.ndimage's 'reflect' boundary (d c b a | a b c d | d c b a) for an index into n samples.</summary>
    private static int Reflect(int index, int n)
    {
        int period = 2 * n;
        int p = ((index % period) + period) % period;
        return p < n ? p : period - 1 - p;
    }
}
