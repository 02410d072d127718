#!/usr/bin/env bash
# Renders docs/pictures/*.png (the README pictures) from the real pages: miniprogram-simulate with the
# real TDesign components, serialised to HTML, screenshot by headless Chromium. About 15 s.
# Needs chromium and fonts-noto-cjk (installed with apt when missing, as root) and the built TDesign
# npm package (`npm run build:npm`, run here when missing). Chromium never touches the network.
set -euo pipefail
cd "$(dirname "$0")/../.."

missing=()
command -v "${CHROMIUM:-chromium}" >/dev/null 2>&1 || missing+=(chromium)
# grep reads everything (no -q): with pipefail, an early exit would SIGPIPE fc-list and count as missing.
fc-list 2>/dev/null | grep 'Noto Sans CJK SC' >/dev/null || missing+=(fonts-noto-cjk)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "pictures: installing ${missing[*]} with apt" >&2
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
fi
export CHROMIUM="${CHROMIUM:-$(command -v chromium)}"

if [ ! -f miniprogram/miniprogram_npm/tdesign-miniprogram/button/button.json ]; then
  npm run build:npm
fi

npx jest -c scripts/pictures/jest.config.js "$@"
echo "pictures: $(ls docs/pictures/*.png | tr '\n' ' ')"
