#!/usr/bin/env bash
# Produces the README's results table on the bundled default models (shapes benchmark v2):
#   pointing game (TorchRay protocol, 15 px; all/difficult) on the first 400 images of the models' test split, which the
#     seeded generator rewrites into OUT/shapes-test (the methods that cost many forwards or backwards per pair — IG,
#     SmoothGrad, Score-CAM, Occlusion, RISE, DMBP — on its first 100 images);
#   deletion and insertion AUC on the first 8 images of the bundled 40-image sample;
#   class sensitivity on the sample's first 20 images, cascading randomization on its first 4 (one-backward methods);
# then tools/results_table.py renders docs/results/shapes-benchmark.md and the README section between its markers.
#   bash tools/make_results_table.sh [OUT]     (about 70 minutes on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-artifacts/results}"
mkdir -p "$out"
models=src/Samples/assets/models
sample=src/Samples/assets/shapes-voc

# Run a private copy of the CLI so that rebuilding the repository meanwhile cannot change it under a running table.
dotnet build src/Samples/Attribution.Cli -c Release -v q -nologo > /dev/null
cli_dir="$out/cli"
rm -rf "$cli_dir" && cp -r src/Samples/Attribution.Cli/bin/Release/net10.0 "$cli_dir"
cli=(dotnet "$cli_dir/attribution.dll")

settings=$(/usr/bin/python3 - "$models/shapes_models.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
b = d["benchmark"]
print(",".join(map(str, d["mean"])), ",".join(map(str, d["std"])), b["seed"], b["min_radius"], b["max_radius"], b["max_objects"], b["max_distractors"])
PY
)
read -r mean std seed rmin rmax nobj ndis <<< "$settings"
test_split="$out/shapes-test"
rm -rf "$test_split"
/usr/bin/python3 tools/make_shapes_benchmark.py --seed "$seed" --test-only 400 --min-radius "$rmin" --max-radius "$rmax" \
  --max-objects "$nobj" --max-distractors "$ndis" --out "$test_split"
pre=(--mean "$mean" --std "$std")

one_pass=(gradient gradient-x-input guided-backprop deconvnet rectgrad excitation-backprop contrastive-excitation-backprop
          lrp-epsilon-plus-flat lrp-epsilon-alpha2-beta1-flat lrp-epsilon-gamma-box gradcam gradcam-plus-plus guided-gradcam
          fullgrad rsp clrp sglrp)
costly=(integrated-gradients smoothgrad scorecam occlusion rise dmbp)
# For the table's run time: RISE with 1000 masks (not 4000) and DMBP with 50 Adam iterations (not 200); everything else
# at its defaults.
options=(--option rise.mask-count=1000 --option dmbp.iterations=50)
first4=() first20=()
for i in $(seq 0 19); do first20+=("$sample/JPEGImages/$(printf 'test_%05d' "$i").png"); done
first4=("${first20[@]:0:4}")

for model in shapes_vgg shapes_resnet; do
  onnx="$models/$model.onnx"
  "${cli[@]}" evaluate --model "$onnx" --dataset "$test_split" "${pre[@]}" --method center "${one_pass[@]}" \
    --metric pointing --json "$out/pointing_$model.json"
  "${cli[@]}" evaluate --model "$onnx" --dataset "$test_split" "${pre[@]}" "${options[@]}" --method "${costly[@]}" \
    --metric pointing --limit 100 --json "$out/pointing-costly_$model.json"
  "${cli[@]}" evaluate --model "$onnx" --dataset "$sample" "${pre[@]}" "${options[@]}" --method "${one_pass[@]}" "${costly[@]}" \
    --metric deletion insertion --limit 8 --json "$out/deletion_$model.json"
  "${cli[@]}" sanity --model "$onnx" --input "${first20[@]}" "${pre[@]}" "${options[@]}" --method "${one_pass[@]}" "${costly[@]}" \
    --test class-sensitivity --json "$out/class_$model.json"
  "${cli[@]}" sanity --model "$onnx" --input "${first4[@]}" "${pre[@]}" --method "${one_pass[@]}" \
    --test randomization --json "$out/randomization_$model.json"
done
/usr/bin/python3 tools/results_table.py "$out" docs/results/shapes-benchmark.md README.md
