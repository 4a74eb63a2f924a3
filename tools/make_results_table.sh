#!/usr/bin/env bash
# Produces the README's results table on the bundled default models and the 40-image sample (shapes benchmark v2):
# `attribution evaluate` (pointing game all/difficult on every (image, class) pair; deletion and insertion AUC on the
# first 8 images) and `attribution sanity` (class sensitivity on all 40 images, cascading randomization on the first 4)
# for every method, then tools/results_table.py renders docs/results/shapes-benchmark.md and the README section
# between its markers.   bash tools/make_results_table.sh [OUT]   (about 15 minutes on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-artifacts/results}"
mkdir -p "$out"
models=src/Samples/assets/models
data=src/Samples/assets/shapes-voc
dotnet build src/Samples/Attribution.Cli -c Release -v q -nologo > /dev/null
cli=(dotnet run --no-build -c Release --project src/Samples/Attribution.Cli --)
read -r mean std < <(/usr/bin/python3 -c "import json; d = json.load(open('$models/shapes_models.json')); print(','.join(map(str, d['mean'])), ','.join(map(str, d['std'])))")
pre=(--mean "$mean" --std "$std")

methods=(gradient gradient-x-input integrated-gradients smoothgrad guided-backprop deconvnet rectgrad excitation-backprop
         contrastive-excitation-backprop lrp-epsilon-plus-flat lrp-epsilon-alpha2-beta1-flat lrp-epsilon-gamma-box gradcam
         gradcam-plus-plus scorecam guided-gradcam fullgrad occlusion rise dmbp rsp clrp sglrp)
# For the table's run time on 2 cores: RISE with 1000 masks (not 4000) and DMBP with 50 Adam iterations (not 200);
# everything else at its defaults. Cascading randomization re-explains after each of the model's layers, so it runs
# the methods that cost about one backward pass.
options=(--option rise.mask-count=1000 --option dmbp.iterations=50)
cheap=(gradient gradient-x-input guided-backprop deconvnet rectgrad excitation-backprop lrp-epsilon-plus-flat
       lrp-epsilon-alpha2-beta1-flat gradcam gradcam-plus-plus fullgrad rsp clrp sglrp)
first4=()
for i in 0 1 2 3; do first4+=("$data/JPEGImages/test_0000$i.png"); done

for model in shapes_vgg shapes_resnet; do
  onnx="$models/$model.onnx"
  "${cli[@]}" evaluate --model "$onnx" --dataset "$data" "${pre[@]}" "${options[@]}" --method center "${methods[@]}" \
    --metric pointing --json "$out/pointing_$model.json"
  "${cli[@]}" evaluate --model "$onnx" --dataset "$data" "${pre[@]}" "${options[@]}" --method "${methods[@]}" \
    --metric deletion insertion --limit 8 --json "$out/deletion_$model.json"
  "${cli[@]}" sanity --model "$onnx" --input "$data/JPEGImages" "${pre[@]}" "${options[@]}" --method "${methods[@]}" \
    --test class-sensitivity --json "$out/class_$model.json"
  "${cli[@]}" sanity --model "$onnx" --input "${first4[@]}" "${pre[@]}" "${options[@]}" --method "${cheap[@]}" \
    --test randomization --json "$out/randomization_$model.json"
done
/usr/bin/python3 tools/results_table.py "$out" docs/results/shapes-benchmark.md README.md
