#!/usr/bin/env bash
# Rebuild core/static/api-docs from a pinned Swagger UI release (npm swagger-ui-dist). Run by hand
# when upgrading; the output is committed, so the docs page needs neither node nor the network
# at run time, and no file comes from another host.
set -euo pipefail
SWAGGER_UI_VERSION=5.35.0
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/core/static/api-docs"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cd "$work"
npm init -y >/dev/null
npm install --silent --no-audit --no-fund "swagger-ui-dist@$SWAGGER_UI_VERSION"
dist="$work/node_modules/swagger-ui-dist"
licence=$(node -p "require('$dist/package.json').license")
[ "$licence" = "Apache-2.0" ] || { echo "swagger-ui-dist's licence is now $licence: review it" >&2; exit 1; }

# Keep our own files (the page's init script), replace Swagger UI's.
mkdir -p "$out"
rm -f "$out"/swagger-ui* "$out"/LICENSE "$out"/NOTICE "$out"/VERSION
cp "$dist/swagger-ui-bundle.js" "$dist/swagger-ui.css" "$out/"
cp "$dist/LICENSE" "$out/LICENSE"
[ -f "$dist/NOTICE" ] && cp "$dist/NOTICE" "$out/NOTICE"
# Drop the source-map comments: the maps are not shipped, and a missing map is a console error.
sed -i 's|//# sourceMappingURL=.*$||' "$out/swagger-ui-bundle.js"
sed -i 's|/\*# sourceMappingURL=.*\*/||' "$out/swagger-ui.css"
echo "swagger-ui-dist $SWAGGER_UI_VERSION (Apache-2.0), copied by scripts/build_api_docs_assets.sh" > "$out/VERSION"
ls -l "$out"
