#!/usr/bin/env bash
# The positive aggregation/propagation study (methods.md §4, §8 claims 16–19) on both bundled default models, over the
# first 16 images of the bundled sample, preprocessed as shapes_models.json states; CLRP's z^B bounds are the
# normalized images of all-black and all-white pixels. Writes docs/results/study-shapes_{vgg,resnet}.md and the JSON
# next to them under OUT.     bash tools/make_study_default_models.sh [OUT]     (about 30 minutes on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-artifacts/results}"
mkdir -p "$out"
models=src/Samples/assets/models
dotnet build src/Samples/Attribution.Cli -c Release -v q -nologo > /dev/null
cli_dir="$out/study-cli"
rm -rf "$cli_dir" && cp -r src/Samples/Attribution.Cli/bin/Release/net10.0 "$cli_dir"
read -r mean std low high < <(/usr/bin/python3 - "$models/shapes_models.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
m, s = d["mean"], d["std"]
print(",".join(map(str, m)), ",".join(map(str, s)), min(-a / b for a, b in zip(m, s)), max((1 - a) / b for a, b in zip(m, s)))
PY
)
images=()
for i in $(seq 0 15); do images+=("src/Samples/assets/shapes-voc/JPEGImages/$(printf 'test_%05d' "$i").png"); done
for model in shapes_vgg shapes_resnet; do
  dotnet "$cli_dir/attribution.dll" study --model "$models/$model.onnx" --input "${images[@]}" --mean "$mean" --std "$std" \
    --low "$low" --high "$high" --markdown "docs/results/study-$model.md" --json "$out/study_$model.json" \
    --note "Inputs: the first 16 images of the bundled shapes sample (src/Samples/assets/shapes-voc), 128×128, normalized with the model's mean/std; z^B bounds = the normalized black and white pixels."
done
