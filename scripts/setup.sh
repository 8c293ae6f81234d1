#!/usr/bin/env bash
# Sets up a fresh machine for wenzhuan: system packages (Java for EPUBCheck, LibreOffice and CJK
# fonts for rendering checks, poppler for pdffonts/pdftotext, pandoc for benchmarks,
# Chromium for the upload page test), then a
# virtual environment in .venv with wenzhuan, its test tools and the sample plugin installed.
# Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

DEB_PACKAGES=(default-jre-headless libreoffice-writer-nogui fonts-noto-cjk poppler-utils pandoc chromium)
missing=()
if command -v dpkg >/dev/null 2>&1; then
  for p in "${DEB_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
fi
if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing ${missing[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: not root, skipping system packages: ${missing[*]} (their tests will skip)" >&2
  fi
fi

PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e ".[test]"
if [ -f samples/wenzhuan-plaintext/pyproject.toml ]; then
  .venv/bin/python -m pip install -q -e samples/wenzhuan-plaintext
fi
echo "setup: ready; run .venv/bin/wenzhuan --help" >&2
