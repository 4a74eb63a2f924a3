#!/usr/bin/env bash
# Installs what the tests need from Debian 12. Idempotent: a no-op when everything is present. Building and running
# need none of it: the engine is TorchSharp (NuGet), and the library has no native code of its own.
#   python3-torch python3-torchvision    test oracle, fixture generation (tools/) and the bench's torch column
#   libopenblas0-openmp                  the oracle's BLAS (Debian's reference BLAS is ~15x slower); the OpenMP build
#                                        shares torch's OpenMP threads instead of fighting them for the 2 cores.
#                                        Selected as libblas.so.3 below.
#   libonnx-testdata                     ONNX's own operator conformance tests
#   python3-scipy python3-skimage        reference values for the similarity metrics (tests)
#   chromium                             headless browser that checks the CLI's HTML report (tests)
set -euo pipefail

packages=(libopenblas0-openmp
          python3-torch python3-torchvision python3-numpy python3-scipy python3-skimage libonnx-testdata
          chromium)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

sudo_cmd=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "prerequisites: not root and no sudo: run this script as root" >&2; exit 1; }
  sudo_cmd="sudo"
fi

if [ ${#missing[@]} -eq 0 ]; then
  echo "prerequisites: all present"
else
  echo "prerequisites: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
  echo "prerequisites: done"
fi

# The OpenMP OpenBLAS as libblas.so.3, liblapack.so.3 and libopenblas.so.0 (a pthread build installed alongside ranks
# higher by default; the first two load the third). Pinned (manual mode), so installing a pthread build later keeps it.
multiarch="$(uname -m)-linux-gnu"
for lib in libblas.so.3 liblapack.so.3 libopenblas.so.0; do
  name="$lib-$multiarch"
  wanted="/usr/lib/$multiarch/openblas-openmp/$lib"
  query="$(update-alternatives --query "$name" 2>/dev/null)" || { echo "prerequisites: no '$name' alternative registered" >&2; exit 1; }
  grep -qxF "Alternative: $wanted" <<<"$query" || { echo "prerequisites: '$wanted' is not an alternative of '$name'" >&2; exit 1; }
  if ! grep -qxF "Value: $wanted" <<<"$query" || grep -qxF "Status: auto" <<<"$query"; then
    $sudo_cmd update-alternatives --set "$name" "$wanted"
  fi
done
