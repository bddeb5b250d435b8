#!/bin/sh
# Kāraṇa Edge set-up for a fresh Debian/Ubuntu machine.
#
#   ./setup.sh            system packages (below) when missing, then `npm install` (which builds the Rust
#                         core, the C addon and the TypeScript)
#   ./setup.sh --system   only what lives outside npm: the system packages and the Python reference
#                         implementations in .venv (what `npm test` calls first)
#
# The default `karana run` needs nothing beyond npm: the sample session's frames are PNG/JPEG files that
# sharp decodes. The system packages serve the features that need them:
#   ffmpeg    video files as camera input (`karana detect video.mp4`, manifest `video-camera` devices), and the
#             emulated V4L2 camera's MJPEG/YUYV frames from videos
#   gstreamer1.0-tools, -plugins-base, -good, -bad (gdppay), -libav (H.264)
#             the `gstreamer` camera driver (CSI cameras: libcamerasrc, nvarguscamerasrc) and its tests
#   alsa-utils  arecord, for the `alsa` microphone driver
#   espeak-ng   spoken responses (layer 7's voice out) and their tests
#   chromium  the HUD's end-to-end tests (Playwright drives Debian's Chromium; it cannot download its own)
#   python3, make, g++   node-gyp, for the C addon (binding.gyp)
#   python3-venv          the .venv of test oracles (OpenCV, imufusion: bench/oracle/requirements.txt), which the
#                         native core's tests and benchmarks compare against
# The Rust toolchain (cargo ≥ 1.80, for napi-rs) comes from rustup, not from Debian.
set -eu

need=""
command -v ffmpeg >/dev/null 2>&1 || need="$need ffmpeg"
command -v chromium >/dev/null 2>&1 || need="$need chromium"
command -v python3 >/dev/null 2>&1 || need="$need python3"
command -v make >/dev/null 2>&1 || need="$need make"
command -v g++ >/dev/null 2>&1 || need="$need g++"
python3 -m venv --help >/dev/null 2>&1 || need="$need python3-venv"
command -v gst-launch-1.0 >/dev/null 2>&1 || need="$need gstreamer1.0-tools"
for plugin in gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-libav; do
  dpkg -s "$plugin" >/dev/null 2>&1 || need="$need $plugin"
done
command -v arecord >/dev/null 2>&1 || need="$need alsa-utils"
command -v espeak-ng >/dev/null 2>&1 || need="$need espeak-ng"

if [ -n "$need" ]; then
  echo "setup: installing Debian packages:$need"
  if [ "$(id -u)" = 0 ]; then
    SUDO=""
  elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    echo "setup: need root (or sudo) to run: apt-get install -y$need" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  # shellcheck disable=SC2086
  $SUDO apt-get install -y -qq --no-install-recommends $need >/dev/null
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "setup: cargo not found: install Rust with rustup (https://rustup.rs), then run this again" >&2
  exit 1
fi

# Python reference implementations for the tests and benchmarks (PyPI), in the project's own venv.
here=$(cd "$(dirname "$0")" && pwd)
if [ ! -x "$here/.venv/bin/python" ] || ! cmp -s "$here/bench/oracle/requirements.txt" "$here/.venv/requirements.txt"; then
  echo "setup: installing the test oracles into .venv (bench/oracle/requirements.txt)"
  python3 -m venv "$here/.venv"
  "$here/.venv/bin/python" -m pip install -q --disable-pip-version-check -r "$here/bench/oracle/requirements.txt"
  cp "$here/bench/oracle/requirements.txt" "$here/.venv/requirements.txt"
fi

[ "${1:-}" = "--system" ] && exit 0
# `npm install`, not `npm ci`: npm 11 leaves the other platforms' optional packages of @napi-rs/tar and
# @napi-rs/lzma (build tools of @napi-rs/cli) out of package-lock.json, and `npm ci` then refuses the lock.
# `npm install` follows the lock all the same.
npm install --no-audit --no-fund
