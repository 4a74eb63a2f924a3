#!/usr/bin/env bash
# Runs the README's performance table: each workload through `attribution bench` — ours, Debian's PyTorch doing the
# same computation and plain TorchSharp autograd, alternately in one process, same threads — one JSON per run under OUT
# (default artifacts/bench), then tools/bench_table.py --readme renders the table (about 25 minutes on 2 cores).
# --full runs every workload of docs/results/benchmarks-table.md instead (batches 1/2/8, the forward-only methods, DMBP
# at 200 iterations; about 2 hours). Needs a quiet machine: the ratios are taken within one run, but load adds noise.
#   bash tools/run_benchmarks.sh [OUT] [--full | --quick]
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-artifacts/bench}"
mode="${2:-}"
mkdir -p "$out"
dotnet build src/Samples/Attribution.Cli -c Release -v q -nologo > /dev/null
cli=(dotnet run --no-build -c Release --project src/Samples/Attribution.Cli -- bench)

if [[ "$mode" != "--full" && "$mode" != "--quick" ]]; then
  # The forward is timed in the same process as the methods: the Gradient's target is a multiple of it.
  readme=(forward gradient gradient-x-input guided-backprop gradcam lrp-epsilon-plus-flat lrp-epsilon-alpha2-beta1-flat
          excitation-backprop rsp clrp)
  for model in resnet50 vgg16; do
    "${cli[@]}" method --model "$model" --batch 2 --rounds 3 --iters 1 --method "${readme[@]}" --json "$out/methods_${model}_b2.json"
  done
  # The Gradient's target (<= 2.2x our forward): the Gradient and the forward called alternately, ~50 (ResNet50) and ~18
  # (VGG16) pairs; the verdict is the median of the pairs' ratios.
  for model in resnet50 vgg16; do
    "${cli[@]}" method --model "$model" --batch 2 --rounds 3 --iters 1 --round-seconds 6 --no-torch --method gradient \
      --json "$out/pairs_gradient_${model}_b2.json"
  done
  "${cli[@]}" method --model resnet50 --batch 2 --rounds 2 --iters 1 --method integrated-gradients --option steps=32 \
    --json "$out/ig32_resnet50_b2.json"
  "${cli[@]}" method --model resnet50 --batch 2 --rounds 2 --iters 1 --method smoothgrad --option samples=16 \
    --json "$out/smoothgrad16_resnet50_b2.json"
  "${cli[@]}" method --model resnet50 --batch 1 --rounds 1 --iters 1 --method dmbp --option iterations=20 \
    --json "$out/dmbp20_resnet50_b1.json"
  /usr/bin/python3 tools/bench_table.py "$out" --readme README.md | tee "$out/table.md"
  exit 0
fi
quick="$mode"

cheap=(gradient gradient-x-input guided-backprop gradcam gradcam-plus-plus fullgrad lrp-epsilon-plus-flat
       lrp-epsilon-alpha2-beta1-flat excitation-backprop rsp clrp sglrp)
for model in resnet50 vgg16; do
  batches=(1 2 8)
  [[ "$model" == vgg16 ]] && batches=(1 2)  # VGG16 at batch 8 adds ~10 minutes and nothing the ResNet50 rows do not show
  [[ "$quick" == "--quick" ]] && batches=(2)
  for b in "${batches[@]}"; do
    "${cli[@]}" forward --model "$model" --batch "$b" --rounds 3 --iters 2 --json "$out/forward_${model}_b$b.json"
  done
  for b in "${batches[@]}"; do
    "${cli[@]}" method --model "$model" --batch "$b" --rounds 2 --iters 1 --method "${cheap[@]}" --json "$out/methods_${model}_b$b.json"
  done
  # The expanded methods at the peers' default step/sample counts and batch size (2).
  for b in 2; do
    "${cli[@]}" method --model "$model" --batch "$b" --rounds 2 --iters 1 --method integrated-gradients \
      --option steps=32 --json "$out/ig32_${model}_b$b.json"
    "${cli[@]}" method --model "$model" --batch "$b" --rounds 2 --iters 1 --method smoothgrad \
      --option samples=16 --json "$out/smoothgrad16_${model}_b$b.json"
    # IG to 1 % completeness (steps doubled from 8 until every row's error is <= 1 %) vs Captum's default 50 steps.
    "${cli[@]}" method --model "$model" --batch "$b" --rounds 2 --iters 1 --method integrated-gradients \
      --option target-completeness=0.01 --option steps=8 --json "$out/ig1pct_${model}_b$b.json"
  done
done

# The forward-only methods against the same work done as pytorch-grad-cam (Score-CAM, batches of 16), the RISE code and
# Captum (Occlusion) do it, at batch 1: Score-CAM on VGG16 (512 channels; ResNet50's 2048 take ~10 minutes a side), RISE
# with 500 of its 4000 masks (the cost is per mask), Occlusion at its defaults (15×15 windows, stride 8: 784 per image).
"${cli[@]}" method --model vgg16 --batch 1 --rounds 1 --iters 1 --method scorecam --json "$out/scorecam_vgg16_b1.json"
"${cli[@]}" method --model resnet50 --batch 1 --rounds 1 --iters 1 --method rise --option mask-count=500 --json "$out/rise500_resnet50_b1.json"
for model in resnet50 vgg16; do
  "${cli[@]}" method --model "$model" --batch 1 --rounds 1 --iters 1 --method occlusion --json "$out/occlusion_${model}_b1.json"
done

# DMBP: 200 iterations on ResNet50 batch 1 (ours alone); the other settings with 20 iterations against the same
# optimization written in torch (tools/torch_bench_server.py; the cost per iteration is constant: the table scales to 200).
"${cli[@]}" method --model resnet50 --batch 1 --rounds 1 --iters 1 --no-torch --method dmbp --json "$out/dmbp200_resnet50_b1.json"
for model in resnet50 vgg16; do
  for b in 1 4; do
    "${cli[@]}" method --model "$model" --batch "$b" --rounds 1 --iters 1 --method dmbp \
      --option iterations=20 --json "$out/dmbp20_${model}_b$b.json"
  done
done
/usr/bin/python3 tools/bench_table.py "$out" | tee "$out/table.md"
