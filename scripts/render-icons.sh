#!/usr/bin/env bash
# Renders the app icon's PNG sizes from assets/cdf-signin.svg into the hicolor layout
# (assets/icons/hicolor/NxN/apps/cdf-signin.png) that the .deb installs as it is.
# Needs rsvg-convert (Debian librsvg2-bin). Run it after editing the SVG and commit the PNGs.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v rsvg-convert >/dev/null \
  || { echo "render-icons: rsvg-convert is missing (apt-get install librsvg2-bin)" >&2; exit 1; }

src=assets/cdf-signin.svg
for size in 16 24 32 48 64 128 256 512; do
  dir=assets/icons/hicolor/${size}x${size}/apps
  mkdir -p "$dir"
  rsvg-convert --width "$size" --height "$size" --keep-aspect-ratio "$src" -o "$dir/cdf-signin.png"
  echo "$dir/cdf-signin.png"
done
