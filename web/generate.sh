#!/bin/sh
# Regenerates everything committed under web/ that a tool writes: the TypeScript stubs in
# src/gen/ (from ../proto, with grpc_tools.protoc and the pinned protoc-gen-es) and the built
# panel in dist/ (which hub embeds). Deterministic (sorted inputs, versions pinned by the venv
# and package-lock.json), so CI runs it and `git diff --exit-code -- web` proves the committed
# files match their sources. Then checks the JavaScript against its size budget.
#
# Needs `npm ci` done in web/; Python: $AIPROXY_PYTHON, else the repository's .venv/bin/python.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
python=${AIPROXY_PYTHON:-$root/.venv/bin/python}
plugin=$here/node_modules/.bin/protoc-gen-es

if [ ! -x "$python" ]; then
    echo "generate.sh: no python at $python (set AIPROXY_PYTHON)" >&2
    exit 1
fi
if [ ! -x "$plugin" ]; then
    echo "generate.sh: no $plugin (run npm ci in web/)" >&2
    exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

protos=$(cd "$root/proto" && find aiproxy -name '*.proto' | LC_ALL=C sort)
# shellcheck disable=SC2086 # the list is whitespace-free paths, split on purpose
(cd "$root/proto" && "$python" -m grpc_tools.protoc -I . \
    --plugin=protoc-gen-es="$plugin" --es_out="$tmp" --es_opt=target=ts $protos)

rm -rf "$here/src/gen"
mkdir -p "$here/src/gen"
cp -R "$tmp"/. "$here/src/gen/"

cd "$here"
npm run --silent build

# The bundle budget (web/README.md): every JavaScript file of dist/, gzipped (-9), in bytes. A
# build over it fails here, so CI fails too.
budget=112000
size=0
for file in dist/assets/*.js; do
    size=$((size + $(gzip -9nc "$file" | wc -c)))
done
if [ "$size" -gt "$budget" ]; then
    echo "generate.sh: the panel's JavaScript is $size bytes gzipped, over its budget of $budget (web/README.md)" >&2
    exit 1
fi
echo "generate.sh: JavaScript $size bytes gzipped, budget $budget"
