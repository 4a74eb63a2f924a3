using System.Globalization;
using System.Net;
using System.Text;

namespace Attribution.Cli.Report;

/// <summary>
/// Writes report.html: per model a pointing-game table and a gallery (original image, then one overlay per method). Image paths are relative
/// to the report, so the output folder can be moved or served as is. A small script marks each image as loaded or broken when the page has
/// loaded (<c>data-loaded</c> on images, <c>data-images-loaded</c>/<c>data-images-broken</c> on the body), which the browser test reads.
/// </summary>
internal static class HtmlReport
{
    public static void Write(string path, string title, string subtitle, IReadOnlyList<ReportModel> models)
    {
        var html = new StringBuilder();
        html.AppendLine("<!DOCTYPE html>");
        html.AppendLine("<html lang=\"en\">");
        html.AppendLine("<head>");
        html.AppendLine("<meta charset=\"utf-8\">");
        html.AppendLine($"<title>{E(title)}</title>");
        html.AppendLine("<style>");
        html.AppendLine("body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }");
        html.AppendLine("table { border-collapse: collapse; margin: 1em 0; }");
        html.AppendLine("th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: center; vertical-align: top; }");
        html.AppendLine("td.name, th.name { text-align: left; }");
        html.AppendLine("img { width: 128px; height: 128px; image-rendering: pixelated; display: block; }");
        html.AppendLine(".hit { color: #176f2c; } .miss { color: #b00020; } .failed { color: #777; }");
        html.AppendLine("img[data-loaded=\"false\"] { outline: 3px solid red; }");
        html.AppendLine("</style>");
        html.AppendLine("</head>");
        html.AppendLine("<body>");
        html.AppendLine($"<h1>{E(title)}</h1>");
        html.AppendLine($"<p>{E(subtitle)}</p>");
        html.AppendLine("<nav><ul>");
        foreach (ReportModel model in models)
            html.AppendLine($"<li><a href=\"#{Id(model)}\">{E(model.Name)}</a></li>");
        html.AppendLine("<li><a href=\"results.json\">results.json</a> (all numbers)</li>");
        html.AppendLine("</ul></nav>");

        foreach (ReportModel model in models)
        {
            html.AppendLine($"<section id=\"{Id(model)}\">");
            html.AppendLine($"<h2>{E(model.Name)}</h2>");
            html.AppendLine($"<p>{model.Images} images, {model.Pairs} (image, class) pairs; preprocessing {E(model.Preprocessing)}.</p>");
            html.AppendLine($"<h3>Pointing game (tolerance {model.Tolerance.ToString(CultureInfo.InvariantCulture)} px)</h3>");
            html.AppendLine("<table class=\"pointing\">");
            html.AppendLine("<tr><th class=\"name\">method</th><th>mean accuracy (all)</th><th>mean accuracy (difficult)</th><th>pooled accuracy</th><th>hits</th><th>misses</th><th>failed</th></tr>");
            foreach (ReportScore score in model.Scores)
            {
                html.AppendLine($"<tr><td class=\"name\">{E(score.Method)}</td><td>{Percent(score.MeanAccuracy)}</td><td>{(score.DifficultAccuracy is double d ? Percent(d) : "–")}</td>" +
                    $"<td>{Percent(score.PooledAccuracy)}</td><td>{score.Hits}</td><td>{score.Misses}</td><td>{score.Failed}</td></tr>");
            }
            html.AppendLine("</table>");

            html.AppendLine("<h3>Maps</h3>");
            html.AppendLine("<table class=\"gallery\">");
            html.Append("<tr><th class=\"name\">image</th><th>class explained</th>");
            foreach (string method in model.Methods)
                html.Append($"<th>{E(method)}</th>");
            html.AppendLine("</tr>");
            foreach (ReportGalleryRow row in model.Gallery)
            {
                html.Append($"<tr><td class=\"name\"><img src=\"{Url(row.OriginalPath)}\" alt=\"{E(row.ImageName)}\">{E(row.ImageName)}</td><td>{E(row.ClassName)}</td>");
                foreach (string method in model.Methods)
                {
                    (string? overlay, string outcome) = row.Maps.TryGetValue(method, out var cell) ? cell : (null, "failed");
                    string image = overlay is null ? "" : $"<img src=\"{Url(overlay)}\" alt=\"{E(method)} map of {E(row.ImageName)}\">";
                    html.Append($"<td>{image}<span class=\"{E(outcome)}\">{E(outcome)}</span></td>");
                }
                html.AppendLine("</tr>");
            }
            html.AppendLine("</table>");
            html.AppendLine("</section>");
        }

        html.AppendLine("<script>");
        html.AppendLine("window.addEventListener('load', () => {");
        html.AppendLine("  let loaded = 0, broken = 0;");
        html.AppendLine("  for (const img of document.images) {");
        html.AppendLine("    const ok = img.complete && img.naturalWidth > 0;");
        html.AppendLine("    img.dataset.loaded = ok ? 'true' : 'false';");
        html.AppendLine("    if (ok) loaded++; else broken++;");
        html.AppendLine("  }");
        html.AppendLine("  document.body.dataset.imagesLoaded = loaded;");
        html.AppendLine("  document.body.dataset.imagesBroken = broken;");
        html.AppendLine("});");
        html.AppendLine("</script>");
        html.AppendLine("</body>");
        html.AppendLine("</html>");
        File.WriteAllText(path, html.ToString());
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string Id(ReportModel model) => "model-" + string.Concat(model.Name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '-'));

    // Relative path → URL: forward slashes, each segment escaped.
    private static string Url(string relativePath) =>
        string.Join("/", relativePath.Replace('\\', '/').Split('/').Select(Uri.EscapeDataString));

    private static string Percent(double value) => double.IsFinite(value) ? (100 * value).ToString("F1", CultureInfo.InvariantCulture) + " %" : "–";
}
