using TorchSharp;
using static TorchSharp.torch;
using Microsoft.ML.Attribution.Tensors;

namespace Microsoft.ML.Attribution.Metrics;

/// <summary>
/// HOG descriptor of a single-channel 2-D map, computed as skimage.feature.hog (0.19) does with
/// block_norm='L2-Hys', transform_sqrt=False, feature_vector=True:
/// central-difference gradients (0 on the border rows/columns), unsigned orientation in [0°, 180°) split into equal
/// bins, per cell the sum of gradient magnitudes per bin divided by the cell's pixel count (cells that do not fit
/// whole are dropped), then every block of cells (stride one cell) normalized by L2, clipped at 0.2 and normalized
/// again (ε = 1e-5). The vector is ordered (block row, block column, cell row, cell column, orientation).
/// </summary>
public static class HistogramOfOrientedGradients
{
    private const double Epsilon = 1e-5;
    private const double Clip = 0.2;

    public static double[] Compute(float[,] image, HogOptions? options = null) => Compute(Map2D.From(image, nameof(image)), options ?? new());

    public static double[] Compute(torch.Tensor image, HogOptions? options = null) => Compute(Map2D.From(image, nameof(image)), options ?? new());

    internal static double[] Compute(Map2D image, HogOptions options)
    {
        image.RequireFinite("image");
        int bins = options.Orientations;
        (int cellRows, int cellColumns) = options.PixelsPerCell;
        (int blockRows, int blockColumns) = options.CellsPerBlock;
        if (bins < 1 || cellRows < 1 || cellColumns < 1 || blockRows < 1 || blockColumns < 1)
            throw new ArgumentException($"HOG parameters must be positive: {options}.", nameof(options));
        int height = image.Height, width = image.Width;
        int cellsDown = height / cellRows, cellsAcross = width / cellColumns;
        int blocksDown = cellsDown - blockRows + 1, blocksAcross = cellsAcross - blockColumns + 1;
        if (blocksDown < 1 || blocksAcross < 1)
            throw new ArgumentException($"A {width}×{height} map holds {cellsAcross}×{cellsDown} cells of {cellColumns}×{cellRows} pixels, " +
                $"fewer than one block of {blockColumns}×{blockRows} cells.", nameof(image));

        var magnitude = new double[height * width];
        var orientation = new double[height * width];
        double binWidth = 180.0 / bins;
        for (int r = 0; r < height; r++)
        {
            for (int c = 0; c < width; c++)
            {
                double gRow = r == 0 || r == height - 1 ? 0 : image[r + 1, c] - image[r - 1, c];
                double gColumn = c == 0 || c == width - 1 ? 0 : image[r, c + 1] - image[r, c - 1];
                magnitude[r * width + c] = double.Hypot(gColumn, gRow);
                orientation[r * width + c] = FloorRemainder(Math.Atan2(gRow, gColumn) * (180.0 / Math.PI), 180);
            }
        }

        var histogram = new double[cellsDown, cellsAcross, bins];
        for (int cellRow = 0; cellRow < cellsDown; cellRow++)
        {
            for (int cellColumn = 0; cellColumn < cellsAcross; cellColumn++)
            {
                for (int bin = 0; bin < bins; bin++)
                {
                    double lower = binWidth * bin, upper = binWidth * (bin + 1);
                    // skimage accumulates each cell in single precision; doing the same keeps results equal to its last digits.
                    float total = 0;
                    for (int r = cellRow * cellRows; r < (cellRow + 1) * cellRows; r++)
                    {
                        for (int c = cellColumn * cellColumns; c < (cellColumn + 1) * cellColumns; c++)
                        {
                            double o = orientation[r * width + c];
                            if (o >= upper || o < lower) continue;
                            total = (float)(total + magnitude[r * width + c]);
                        }
                    }
                    histogram[cellRow, cellColumn, bin] = total / (float)(cellRows * cellColumns);
                }
            }
        }

        int blockLength = blockRows * blockColumns * bins;
        var features = new double[blocksDown * blocksAcross * blockLength];
        var block = new double[blockLength];
        int offset = 0;
        for (int blockRow = 0; blockRow < blocksDown; blockRow++)
        {
            for (int blockColumn = 0; blockColumn < blocksAcross; blockColumn++)
            {
                int k = 0;
                for (int r = 0; r < blockRows; r++)
                    for (int c = 0; c < blockColumns; c++)
                        for (int bin = 0; bin < bins; bin++)
                            block[k++] = histogram[blockRow + r, blockColumn + c, bin];
                NormalizeL2Hys(block);
                block.CopyTo(features, offset);
                offset += blockLength;
            }
        }
        return features;
    }

    private static void NormalizeL2Hys(double[] block)
    {
        double norm = Math.Sqrt(block.Sum(v => v * v) + Epsilon * Epsilon);
        for (int i = 0; i < block.Length; i++) block[i] = Math.Min(block[i] / norm, Clip);
        norm = Math.Sqrt(block.Sum(v => v * v) + Epsilon * Epsilon);
        for (int i = 0; i < block.Length; i++) block[i] /= norm;
    }

    /// <summary>Python's/NumPy's a % b: the result takes the divisor's sign (so −0.0001 % 180 is 179.9999, and can round to 180).</summary>
    private static double FloorRemainder(double a, double b)
    {
        double r = a % b; // C# % is C fmod
        if (r != 0 && (r < 0) != (b < 0)) r += b;
        return r == 0 ? 0 : r;
    }
}
