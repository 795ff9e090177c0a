#!/usr/bin/env bash
# Refresh the vendored Vega JavaScript in static/vendor/ from the npm registry.
#
#   bash scripts/vendor-js.sh          # re-download the pinned versions, rewrite static/vendor/
#   bash scripts/vendor-js.sh --check  # rebuild in a temp dir; exit 1 if static/vendor/ differs
#
# Needs node and npm (and the npm registry). Nothing is installed outside a temp dir, and no
# package install script runs (--ignore-scripts).
#
# To upgrade: change the pins below, run the script, review `git diff static/vendor/`, and check
# that the Vega-Lite version still satisfies the `$schema` that altair emits
# (python -c "import altair; print(altair.SCHEMA_VERSION)"): vega-embed warns when the spec's
# version is newer than the loaded Vega-Lite (semver ^ check).
set -euo pipefail

VEGA=6.4.0
VEGA_LITE=6.4.3          # altair 6.x emits Vega-Lite v6.4.1 specs; ^6.4.1 is satisfied
VEGA_EMBED=7.3.0
VEGA_INTERPRETER=2.3.2   # ships ESM only: bundled here into an IIFE with esbuild
VEGA_UTIL=2.1.3          # vega-interpreter's only dependency, pinned so the bundle is reproducible
ESBUILD=0.28.2           # build tool only, never shipped

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/static/vendor"
CHECK=0
case "${1:-}" in
  "") ;;
  --check) CHECK=1 ;;
  *) echo "usage: bash scripts/vendor-js.sh [--check]" >&2; exit 2 ;;
esac

command -v npm >/dev/null || { echo "vendor-js.sh: npm is required (apt-get install npm)" >&2; exit 1; }

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
OUT="$WORK/out"
mkdir -p "$OUT" "$WORK/npm"

cd "$WORK/npm"
printf '{"name":"vendor-js","private":true}\n' > package.json
npm install --no-audit --no-fund --ignore-scripts --save-exact --loglevel=error \
  "vega@$VEGA" "vega-lite@$VEGA_LITE" "vega-embed@$VEGA_EMBED" \
  "vega-interpreter@$VEGA_INTERPRETER" "vega-util@$VEGA_UTIL" "esbuild@$ESBUILD" >/dev/null

# Fail if npm resolved anything other than the pins (e.g. a second vega-util under the interpreter).
node - "$VEGA" "$VEGA_LITE" "$VEGA_EMBED" "$VEGA_INTERPRETER" "$VEGA_UTIL" <<'EOF'
const fs = require('fs');
const names = ['vega', 'vega-lite', 'vega-embed', 'vega-interpreter', 'vega-util'];
const want = process.argv.slice(2);
names.forEach((n, i) => {
  const v = JSON.parse(fs.readFileSync(`node_modules/${n}/package.json`, 'utf8')).version;
  if (v !== want[i]) { console.error(`${n}: installed ${v}, pinned ${want[i]}`); process.exit(1); }
});
if (fs.existsSync('node_modules/vega-interpreter/node_modules/vega-util')) {
  console.error('vega-interpreter resolved its own vega-util: update VEGA_UTIL'); process.exit(1);
}
EOF

# Prebuilt browser (UMD) builds, copied byte for byte.
cp node_modules/vega/build/vega.min.js "$OUT/vega.min.js"
cp node_modules/vega-lite/build/vega-lite.min.js "$OUT/vega-lite.min.js"
cp node_modules/vega-embed/build/vega-embed.min.js "$OUT/vega-embed.min.js"

# vega-interpreter has no browser build: bundle it (with vega-util) into an IIFE that defines the
# global `vegaInterpreter` (use `vegaInterpreter.expressionInterpreter`).
printf "export {expressionInterpreter} from 'vega-interpreter';\n" > entry.mjs
node -e "
require('esbuild').buildSync({
  entryPoints: ['entry.mjs'], bundle: true, minify: true, format: 'iife',
  globalName: 'vegaInterpreter', target: 'es2020', legalComments: 'none', charset: 'utf8',
  banner: {js: '/* vega-interpreter $VEGA_INTERPRETER + vega-util $VEGA_UTIL (BSD-3-Clause), bundled by scripts/vendor-js.sh with esbuild $ESBUILD */'},
  outfile: '$OUT/vega-interpreter.min.js',
});"

for p in vega vega-lite vega-embed vega-interpreter vega-util; do
  cp "node_modules/$p/LICENSE" "$OUT/$p.LICENSE"
done

# Licences of everything npm installed for each shipped package (what its build may bundle).
node - > "$WORK/deps.md" <<'EOF'
const fs = require('fs');
const path = require('path');
const read = (d) => JSON.parse(fs.readFileSync(path.join(d, 'package.json'), 'utf8'));
function resolve(name, from) {
  for (let d = from; ; d = path.dirname(d)) {
    const c = path.join(d, 'node_modules', name);
    if (fs.existsSync(c)) return c;
    if (d === path.dirname(d)) return null;
  }
}
for (const top of ['vega', 'vega-lite', 'vega-embed', 'vega-interpreter']) {
  const seen = new Map();
  const walk = (dir) => {
    const pkg = read(dir);
    for (const dep of Object.keys(pkg.dependencies || {})) {
      const d = resolve(dep, dir);
      if (!d) continue;
      const p = read(d);
      if (!seen.has(p.name)) { seen.set(p.name, p.license || 'UNKNOWN'); walk(d); }
    }
  };
  walk(path.resolve('node_modules', top));
  const byLicence = {};
  for (const [k, l] of seen) (byLicence[l] ||= []).push(k);
  const parts = Object.keys(byLicence).sort().map((l) => `${l}: ${byLicence[l].sort().join(', ')}`);
  console.log(`- **${top}**: ${parts.join('; ') || 'none'}`);
}
EOF

cd "$OUT"
sha256sum vega.min.js vega-lite.min.js vega-embed.min.js vega-interpreter.min.js > SHA256SUMS

row() {  # file package version
  printf '| `%s` | %s | %s | %s | `%s` | BSD-3-Clause (`%s.LICENSE`) |\n' \
    "$1" "$2" "$3" "$(wc -c < "$1" | tr -d ' ')" "$(sha256sum "$1" | cut -d' ' -f1)" "$2"
}
{
  cat <<EOF
# Vendored JavaScript

Generated by \`scripts/vendor-js.sh\`; do not edit by hand. The site makes no third-party requests,
so the charting libraries are served from here.

| file | package | version | bytes | SHA-256 | licence |
|---|---|---|---|---|---|
EOF
  row vega.min.js vega "$VEGA"
  row vega-lite.min.js vega-lite "$VEGA_LITE"
  row vega-embed.min.js vega-embed "$VEGA_EMBED"
  row vega-interpreter.min.js vega-interpreter "$VEGA_INTERPRETER"
  cat <<EOF

- \`vega.min.js\`, \`vega-lite.min.js\`, \`vega-embed.min.js\` are the packages' own
  \`build/*.min.js\` files, unchanged (globals \`vega\`, \`vegaLite\`, \`vegaEmbed\`).
  \`vega-lite.min.js\` and \`vega-embed.min.js\` end with a \`sourceMappingURL\` comment; the maps
  are not vendored (browsers fetch them only when developer tools are open).
- \`vega-interpreter.min.js\` is built here: vega-interpreter $VEGA_INTERPRETER ships only an ES
  module that imports \`vega-util\`, so the script bundles it with vega-util $VEGA_UTIL using
  esbuild $ESBUILD (IIFE, minified) into the global \`vegaInterpreter\`. vega-util's licence is
  \`vega-util.LICENSE\`. vega-embed also bundles an interpreter of its own, used when \`ast: true\`
  is given without \`expr\`; passing \`expr: vegaInterpreter.expressionInterpreter\` uses this
  pinned, newer one instead.
- \`SHA256SUMS\` holds the same sums (\`cd static/vendor && sha256sum -c SHA256SUMS\`).

## Refresh or upgrade

Edit the pinned versions at the top of \`scripts/vendor-js.sh\`, then run
\`bash scripts/vendor-js.sh\` (needs node and npm). \`bash scripts/vendor-js.sh --check\` rebuilds
in a temp dir and fails if this folder differs from what the pins produce.

## Licences of the dependency trees

Each minified build may include code from its npm dependencies (the three prebuilt files were
bundled upstream, so the exact versions inside them are upstream's); their declared licences:

EOF
  cat "$WORK/deps.md"
} > README.md

if [ "$CHECK" = 1 ]; then
  if diff -r "$OUT" "$DEST" >/dev/null 2>&1; then
    echo "static/vendor/ matches the pinned versions"
  else
    diff -r "$OUT" "$DEST" | head -20 >&2 || true
    echo "static/vendor/ differs from what scripts/vendor-js.sh produces" >&2
    exit 1
  fi
else
  mkdir -p "$DEST"
  rm -f "$DEST"/*.min.js "$DEST"/*.LICENSE "$DEST"/SHA256SUMS "$DEST"/README.md
  cp "$OUT"/* "$DEST"/
  echo "static/vendor/ refreshed:"
  cat "$DEST/SHA256SUMS"
fi
