#!/usr/bin/env bash
# dist/ is committed (runners execute it as is); it must be exactly what the sources build.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run --silent build
if [ -n "$(git status --porcelain -- dist)" ]; then
  echo "dist/ differs from a fresh 'npm run build':" >&2
  git status --porcelain -- dist >&2
  git diff --stat -- dist >&2
  exit 1
fi
echo "dist/ matches a fresh build."
