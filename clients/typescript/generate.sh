#!/bin/sh
# Regenerates everything committed under clients/typescript/ that a tool writes: the protobuf-es
# stubs in src/gen/ (from ../../proto, with grpc_tools.protoc and the pinned protoc-gen-es) and
# the compiled JavaScript with its type declarations in dist/ (tsc), so a Node consumer imports
# the package without a build step. Deterministic (sorted inputs, versions pinned by the venv
# and package-lock.json), so CI runs it and `git diff --exit-code -- clients/typescript` proves
# the committed files match their sources.
#
# Needs `npm ci` done here; Python: $AIPROXY_PYTHON, else the repository's .venv/bin/python.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
python=${AIPROXY_PYTHON:-$root/.venv/bin/python}
plugin=$here/node_modules/.bin/protoc-gen-es
tsc=$here/node_modules/.bin/tsc

if [ ! -x "$python" ]; then
    echo "generate.sh: no python at $python (set AIPROXY_PYTHON)" >&2
    exit 1
fi
if [ ! -x "$plugin" ] || [ ! -x "$tsc" ]; then
    echo "generate.sh: no $plugin or $tsc (run npm ci in clients/typescript/)" >&2
    exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

protos=$(cd "$root/proto" && find aiproxy -name '*.proto' | LC_ALL=C sort)
# import_extension=js: the emitted imports name the .js files tsc writes, as Node's ES module
# resolution needs (it adds no extension of its own).
# shellcheck disable=SC2086 # the list is whitespace-free paths, split on purpose
(cd "$root/proto" && "$python" -m grpc_tools.protoc -I . \
    --plugin=protoc-gen-es="$plugin" --es_out="$tmp" \
    --es_opt=target=ts,import_extension=js $protos)

rm -rf "$here/src/gen"
mkdir -p "$here/src/gen"
cp -R "$tmp"/. "$here/src/gen/"

# dist/ is rebuilt from nothing, so a file whose source went away does not linger.
rm -rf "$here/dist"
cd "$here"
"$tsc" -p tsconfig.json
# The example and the tests are JavaScript checked against the declarations just written, as a
# consumer's editor would check them.
"$tsc" -p tsconfig.check.json
