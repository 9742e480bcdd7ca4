#!/usr/bin/env bash
# Installs the Debian packages facewasm builds and tests with, if missing:
#   emscripten   C -> WebAssembly compiler (emcc, clang 14, binaryen)
#   libstb-dev   stb_image / stb_image_write, compiled into the core
#   clang        native builds under AddressSanitizer/UndefinedBehaviorSanitizer,
#                libFuzzer targets (libclang-rt-14-dev)
#   valgrind     memcheck of the native build
#   nodejs, npm  the JS API, tests and tools (Node 18 or newer)
#   chromium     browser tests (driven by the npm package playwright-core)
set -euo pipefail

missing=()
command -v emcc >/dev/null 2>&1 || missing+=(emscripten)
[ -f /usr/include/stb/stb_image.h ] || missing+=(libstb-dev)
command -v clang >/dev/null 2>&1 || missing+=(clang)
dpkg -s libclang-rt-14-dev >/dev/null 2>&1 || missing+=(libclang-rt-14-dev)
command -v valgrind >/dev/null 2>&1 || missing+=(valgrind)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
[ -x /usr/bin/chromium ] || missing+=(chromium)

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: everything is installed"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
