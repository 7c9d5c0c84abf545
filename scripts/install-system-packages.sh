#!/usr/bin/env bash
# Installs the Debian packages the test suite needs: Chromium for the browser tests, LibreOffice and
# poppler to render exported .docx files, python3-uno to drive LibreOffice as a reviewer in the Word
# round-trip tests, and CJK fonts so that rendering measures real glyphs.
# Idempotent: does nothing when everything is already present.
set -euo pipefail

packages=(chromium libreoffice-writer-nogui python3-uno poppler-utils fontconfig
          fonts-noto-cjk fonts-arphic-uming fonts-arphic-ukai)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "安装测试所需的系统软件包: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
