#!/usr/bin/python3
"""Renders the JSON written by tools/make_results_table.sh as Markdown tables.

    /usr/bin/python3 tools/results_table.py artifacts/results docs/results/shapes-benchmark.md README.md [DATE]

Writes the full tables, one per model, to the second argument and, when a third is given, replaces the text between the
markers <!-- shapes-results:begin --> and <!-- shapes-results:end --> of that file with one table of both models (pointing
game, deletion/insertion and the time per pair), headed by the date (today unless given).
"""
import datetime
import json
import os
import sys

BEGIN, END = "<!-- shapes-results:begin -->", "<!-- shapes-results:end -->"
MODELS = ["shapes_vgg", "shapes_resnet"]


def load(folder, kind, model):
    path = os.path.join(folder, f"{kind}_{model}.json")
    return json.load(open(path)) if os.path.exists(path) else None


def fmt(v, percent=False):
    if v is None:
        return "–"
    return f"{100 * v:.1f}" if percent else f"{v:.3f}"


def model_table(folder, model):
    pointing, costly = load(folder, "pointing", model), load(folder, "pointing-costly", model)
    deletion, classes, randomization = load(folder, "deletion", model), load(folder, "class", model), load(folder, "randomization", model)
    if pointing is None:
        return None
    by = lambda doc: {r["method"]: r for r in doc["results"]} if doc else {}  # noqa: E731
    deletion_by, class_by, random_by = by(deletion), by(classes), by(randomization)
    runs = [(pointing, r) for r in pointing["results"]] + ([(costly, r) for r in costly["results"]] if costly else [])
    tolerance = pointing["results"][0]["metrics"]["pointing"]["tolerance"]
    tiers = "; ".join(f"{doc['pairs']} pairs of the first {doc['images']} images for {what}" for doc, what in
                      ((pointing, "the rest"), (costly, ", ".join(r["method"] for r in costly["results"]) if costly else "")) if doc)
    lines = [
        f"**{model}** — pointing game (tolerance {tolerance:g} px; per-class mean accuracy, %) on the models' test split: {tiers}; "
        + "; ".join(f"{what} {'on ' + str(n) + ' images of the bundled sample' if n else 'not run yet'}" for what, n in (
            ("deletion/insertion AUC", deletion["images"] if deletion else 0),
            ("class sensitivity", classes["inputs"] if classes else 0),
            ("randomization", randomization["inputs"] if randomization else 0))) + ".",
        "",
        "| method | pairs | pointing all | pointing difficult | s / pair | deletion AUC ↓ | insertion AUC ↑ "
        "| top vs least-likely class: Spearman ↓ | all layers randomized: Spearman abs ↓ | SSIM ↓ | failed |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for doc, r in runs:
        m = r["method"]
        game = r["metrics"]["pointing"]
        difficult = game.get("difficult")
        d = deletion_by.get(m, {}).get("metrics", {})
        c = class_by.get(m, {}).get("metrics", {})
        layers = random_by.get(m, {}).get("layers", [])
        last = layers[-1]["metrics"] if layers else {}
        failed = len(r.get("errors", []))
        per_pair = r.get("seconds") / doc["pairs"] if r.get("seconds") is not None and m != "center" else None
        lines.append(
            f"| {m} | {doc['pairs']} | {fmt(game['all']['meanAccuracy'], True)} | {fmt(difficult['meanAccuracy'] if difficult else None, True)} "
            f"| {fmt(per_pair)} | {fmt(d.get('deletion', {}).get('meanAuc'))} | {fmt(d.get('insertion', {}).get('meanAuc'))} "
            f"| {fmt(c.get('spearman'))} | {fmt(last.get('spearmanAbsolute'))} | {fmt(last.get('ssim'))} | {failed} |")
    return "\n".join(lines)


def summary_table(folder, date):
    """One row per method, both models side by side: what a reader compares first."""
    rows, pairs = {}, {}
    for model in MODELS:
        for kind in ("pointing", "pointing-costly"):
            doc = load(folder, kind, model)
            for r in (doc or {}).get("results", []):
                game = r["metrics"]["pointing"]
                per_pair = r.get("seconds") / doc["pairs"] if r.get("seconds") is not None and r["method"] != "center" else None
                rows.setdefault(r["method"], {})[model] = (game["all"]["meanAccuracy"], per_pair)
                pairs.setdefault(r["method"], {})[model] = doc["pairs"]
        deletion = load(folder, "deletion", model)
        for r in (deletion or {}).get("results", []):
            d = r["metrics"]
            rows.setdefault(r["method"], {})[model + "/auc"] = (d.get("deletion", {}).get("meanAuc"), d.get("insertion", {}).get("meanAuc"))
    lines = [
        f"Measured {date}. Pointing game: per-class mean accuracy (%), 15 px; deletion ↓ / insertion ↑: AUC; s / pair on 2 cores.",
        "",
        "| method | pairs | shapes_vgg pointing | shapes_resnet pointing | shapes_vgg deletion / insertion | shapes_resnet deletion / insertion | shapes_vgg s / pair |",
        "|---|---|---|---|---|---|---|",
    ]
    for method, cells in rows.items():
        if MODELS[0] not in cells and MODELS[1] not in cells:
            continue
        point = lambda m: fmt(cells[m][0], True) if m in cells else "–"  # noqa: E731
        auc = lambda m: f"{fmt(cells[m + '/auc'][0])} / {fmt(cells[m + '/auc'][1])}" if m + "/auc" in cells else "–"  # noqa: E731
        lines.append(f"| {method} | {pairs[method].get(MODELS[0], '–')} | {point(MODELS[0])} | {point(MODELS[1])} | {auc(MODELS[0])} "
                     f"| {auc(MODELS[1])} | {fmt(cells[MODELS[0]][1]) if MODELS[0] in cells else '–'} |")
    return "\n".join(lines) + "\n"


def main(folder, markdown_path, readme_path=None, date=None):
    date = date or datetime.date.today().isoformat()
    tables = [t for t in (model_table(folder, m) for m in MODELS) if t]
    text = "\n\n".join(tables) + "\n"
    os.makedirs(os.path.dirname(markdown_path) or ".", exist_ok=True)
    with open(markdown_path, "w", encoding="utf-8", newline="\n") as f:
        f.write(f"# Results on the shapes benchmark (generated by tools/make_results_table.sh, {date})\n\n" + text)
    if readme_path:
        readme = open(readme_path, encoding="utf-8").read()
        if BEGIN not in readme or END not in readme:
            sys.exit(f"{readme_path} has no {BEGIN} ... {END} section")
        head, rest = readme.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        with open(readme_path, "w", encoding="utf-8", newline="\n") as f:
            f.write(head + BEGIN + "\n" + summary_table(folder, date) + END + tail)
    print(text)


if __name__ == "__main__":
    main(*sys.argv[1:])
