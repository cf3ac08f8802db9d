#!/bin/sh
# Regenerates the Python stubs in aiproxy_admin/ from ../../proto with grpc_tools.protoc.
# Deterministic (sorted inputs, fixed tool version from the venv), so CI can run it and
# `git diff --exit-code clients/python` to prove the committed stubs match the protos.
#
# Python: $AIPROXY_PYTHON, else the repository's .venv/bin/python.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
python=${AIPROXY_PYTHON:-$root/.venv/bin/python}
out=$here/aiproxy_admin

if [ ! -x "$python" ]; then
    echo "generate.sh: no python at $python (set AIPROXY_PYTHON)" >&2
    exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

protos=$(cd "$root/proto" && find aiproxy -name '*.proto' | LC_ALL=C sort)
# shellcheck disable=SC2086 # the list is whitespace-free paths, split on purpose
(cd "$root/proto" && "$python" -m grpc_tools.protoc -I . \
    --python_out="$tmp" --pyi_out="$tmp" --grpc_python_out="$tmp" $protos)

rm -f "$out"/*_pb2.py "$out"/*_pb2.pyi "$out"/*_pb2_grpc.py
# protoc writes imports for the proto package path (aiproxy.admin.v1); the stubs live in the
# flat aiproxy_admin package instead.
for generated in "$tmp"/aiproxy/admin/v1/*; do
    sed -e 's/^from aiproxy\.admin\.v1 import /from aiproxy_admin import /' \
        -e 's/^import aiproxy\.admin\.v1\./import aiproxy_admin./' \
        "$generated" > "$out/$(basename "$generated")"
done
