#!/usr/bin/env bash
# Installs what the build and the tests need from Debian 12. Idempotent: a no-op when everything is present.
#   libtorch-dev + libopenblas0-pthread  the tensor engine (OpenBLAS: Debian's reference BLAS is ~15x slower)
#   libdnnl-dev                          oneDNN headers: the shim calls libtorch's own oneDNN for Winograd convolutions
#   libopencv-dev                        image decode/encode/resize (already a libtorch dependency)
#   cmake g++                            the native shim
#   python3-torch python3-torchvision    test oracle and fixture generation (tools/), never at run time
#   libonnx-testdata                     ONNX's own operator conformance tests
#   python3-scipy python3-skimage        reference values for the similarity metrics (tests)
#   chromium                             headless browser that checks the CLI's HTML report (tests)
set -euo pipefail

packages=(libtorch-dev libopenblas0-pthread libdnnl-dev libopencv-dev cmake g++ make
          python3-torch python3-torchvision python3-numpy python3-scipy python3-skimage libonnx-testdata
          chromium)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "prerequisites: all present"
  exit 0
fi

echo "prerequisites: installing ${missing[*]}"
sudo_cmd=""
if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo_cmd apt-get update -qq
$sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "prerequisites: done"
