using System.Globalization;
using System.Net;
using System.Text;

namespace Attribution.Cli.Report;

/// <summary>
/// Writes report.html: per model, one figure per image (the image, then per method the map alone and over the image, the pointing game's
/// point marked on the overlay as a hit or a miss, and the map's colour bar with the values at its ends), then the pointing-game table.
/// Image paths are relative
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
        html.AppendLine("figure { margin: 0; }");
        html.AppendLine(".image-row { display: flex; flex-wrap: wrap; gap: 14px; align-items: flex-start; margin: 1em 0 2em; }");
        html.AppendLine(".image-row img { width: 128px; height: 128px; image-rendering: pixelated; display: block; }");
        html.AppendLine(".method .pictures { display: flex; gap: 2px; }");
        html.AppendLine(".overlay { position: relative; }");
        html.AppendLine(".marker { position: absolute; width: 10px; height: 10px; margin: -7px 0 0 -7px; border: 2px solid; border-radius: 50%; box-shadow: 0 0 0 1px #fff; }");
        html.AppendLine(".marker.hit { border-color: #176f2c; } .marker.miss { border-color: #b00020; }");
        html.AppendLine("figcaption { font-size: 0.85em; margin-top: 3px; }");
        html.AppendLine(".colorbar img.bar { width: 258px; height: 10px; image-rendering: auto; }");
        html.AppendLine(".colorbar .ends { display: flex; justify-content: space-between; font-size: 0.75em; color: #555; width: 258px; }");
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
            html.AppendLine("<h3>Maps</h3>");
            html.AppendLine("<p>Per method: the map alone, then over the image; the circle marks the map's maximum (green: the pointing game's hit, " +
                "red: a miss); the bar shows the colormap and the map values at its ends.</p>");
            foreach (ReportGalleryRow row in model.Gallery)
                AppendImageRow(html, model, row);

            html.AppendLine($"<h3>Pointing game (tolerance {model.Tolerance.ToString(CultureInfo.InvariantCulture)} px)</h3>");
            html.AppendLine("<table class=\"pointing\">");
            html.AppendLine("<tr><th class=\"name\">method</th><th>mean accuracy (all)</th><th>mean accuracy (difficult)</th><th>pooled accuracy</th><th>hits</th><th>misses</th><th>failed</th></tr>");
            foreach (ReportScore score in model.Scores)
            {
                html.AppendLine($"<tr><td class=\"name\">{E(score.Method)}</td><td>{Percent(score.MeanAccuracy)}</td><td>{(score.DifficultAccuracy is double d ? Percent(d) : "–")}</td>" +
                    $"<td>{Percent(score.PooledAccuracy)}</td><td>{score.Hits}</td><td>{score.Misses}</td><td>{score.Failed}</td></tr>");
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

    /// <summary>One image: the original with its name and class, then a figure per method.</summary>
    private static void AppendImageRow(StringBuilder html, ReportModel model, ReportGalleryRow row)
    {
        html.AppendLine($"<div class=\"image-row\" data-image=\"{E(row.ImageName)}\">");
        html.AppendLine($"<figure class=\"original\"><img src=\"{Url(row.OriginalPath)}\" alt=\"{E(row.ImageName)}\"><figcaption>{E(row.ImageName)}<br>class: {E(row.ClassName)}</figcaption></figure>");
        foreach (string method in model.Methods)
        {
            ReportMapCell cell = row.Maps.TryGetValue(method, out ReportMapCell? found) ? found : new ReportMapCell(null, null, "failed", null, null, 0, 0);
            html.Append($"<figure class=\"method\" data-method=\"{E(method)}\">");
            if (cell.MapPath is not null && cell.OverlayPath is not null)
            {
                html.Append("<div class=\"pictures\">");
                html.Append($"<img src=\"{Url(cell.MapPath)}\" class=\"map\" alt=\"{E(method)} map of {E(row.ImageName)}\">");
                html.Append($"<div class=\"overlay\"><img src=\"{Url(cell.OverlayPath)}\" alt=\"{E(method)} over {E(row.ImageName)}\">");
                if (cell.Point is (double column, double rowFraction) && cell.Outcome is "hit" or "miss")
                    html.Append($"<span class=\"marker {cell.Outcome}\" title=\"the map's maximum: {cell.Outcome}\" style=\"left: {Fraction(column)}; top: {Fraction(rowFraction)}\"></span>");
                html.Append("</div></div>");
            }
            html.Append($"<figcaption>{E(method)} · <span class=\"{E(cell.Outcome)}\">{E(cell.Outcome)}</span></figcaption>");
            if (cell.ColorBarPath is not null)
                html.Append($"<div class=\"colorbar\"><img src=\"{Url(cell.ColorBarPath)}\" class=\"bar\" alt=\"colour bar\"><div class=\"ends\"><span>{Value(cell.Low)}</span><span>{Value(cell.High)}</span></div></div>");
            html.AppendLine("</figure>");
        }
        html.AppendLine("</div>");
    }

    private static string Fraction(double value) => (100 * Math.Clamp(value, 0, 1)).ToString("F2", CultureInfo.InvariantCulture) + "%";

    private static string Value(double value) => value.ToString("G3", CultureInfo.InvariantCulture);

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string Id(ReportModel model) => "model-" + string.Concat(model.Name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '-'));

    // Relative path → URL: forward slashes, each segment escaped.
    private static string Url(string relativePath) =>
        string.Join("/", relativePath.Replace('\\', '/').Split('/').Select(Uri.EscapeDataString));

    private static string Percent(double value) => double.IsFinite(value) ? (100 * value).ToString("F1", CultureInfo.InvariantCulture) + " %" : "–";
}
