#!/usr/bin/env bash
# Rebuild core/static/govuk from a pinned GOV.UK Frontend release. Run by hand when upgrading
# (the output is committed, so the app needs neither node nor the network at run time).
set -euo pipefail
GOVUK_FRONTEND_VERSION=6.3.0   # keep in step with govuk-frontend-jinja in pyproject.toml
SASS_VERSION=1.83.4
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/core/static/govuk"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cd "$work"
npm init -y >/dev/null
npm install --silent --no-audit --no-fund "govuk-frontend@$GOVUK_FRONTEND_VERSION" "sass@$SASS_VERSION"
dist="$work/node_modules/govuk-frontend/dist/govuk"

rm -rf "$out" && mkdir -p "$out"
npx sass --no-source-map --style=compressed --quiet-deps --load-path=node_modules \
  "$root/core/static/src/app.scss" "$out/app.min.css"
cp "$dist/govuk-frontend.min.js" "$out/govuk-frontend.min.js"
# Drop the source-map comment: the map is not shipped, and a missing map is a console error.
sed -i 's|//# sourceMappingURL=.*$||' "$out/govuk-frontend.min.js"
# The npm package ships no licence file; its package.json declares MIT. Record that licence.
licence=$(node -p "require('$work/node_modules/govuk-frontend/package.json').license")
[ "$licence" = "MIT" ] || { echo "govuk-frontend's licence is now $licence: review it" >&2; exit 1; }
cat > "$out/LICENCE.txt" <<'TXT'
GOV.UK Frontend (https://github.com/alphagov/govuk-frontend), used here compiled and unmodified
but for the Sass settings in core/static/src/app.scss. Licensed under the MIT License:

The MIT License (MIT)

Copyright (c) 2018 Crown Copyright (Government Digital Service)

Permission is hereby granted, free of charge, to any person obtaining a copy of this software
and associated documentation files (the "Software"), to deal in the Software without
restriction, including without limitation the rights to use, copy, modify, merge, publish,
distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the
Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING
BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM,
DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
TXT
echo "govuk-frontend $GOVUK_FRONTEND_VERSION, compiled by scripts/build_govuk_assets.sh" > "$out/VERSION"

# The one image the stylesheet names is the crown crest of .govuk-footer__copyright-logo, a
# class this app never uses (it is not a government service), so the crest is not shipped.
if grep -o 'url([^)]*)' "$out/app.min.css" | grep -v -e 'data:' -e 'govuk-crest.svg' ; then
  echo "The stylesheet refers to files that are not shipped (above)." >&2
  exit 1
fi
ls -l "$out"
