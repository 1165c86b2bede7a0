#!/usr/bin/env bash
# Builds tidb-server from the Go module proxy for myx's integration tests, in this directory's
# module (never the library's), into the cache path mysqltest looks in:
#
#   ${XDG_CACHE_HOME:-$HOME/.cache}/myx/tidb/<version>/tidb-server
#
# Skips the build when that file exists. Prints the binary's path as its last line of stdout.
# The first build takes 6 to 30 minutes and about 2 GB of module and build cache.
#
#   internal/tools/tidb/build.sh            # build if missing, print the path
#   internal/tools/tidb/build.sh -print     # print the path only (exit 1 if not built)
set -euo pipefail
cd "$(dirname "$0")"

version=$(go list -m -f '{{.Version}}' github.com/pingcap/tidb)
commit=${version##*-}
dir="${XDG_CACHE_HOME:-$HOME/.cache}/myx/tidb/$version"
bin="$dir/tidb-server"

if [ "${1:-}" = "-print" ]; then
  [ -x "$bin" ] || { echo "tidb-server $version is not built: run $0" >&2; exit 1; }
  echo "$bin"
  exit 0
fi

if [ -x "$bin" ]; then
  echo "tidb: $bin is present, not rebuilding" >&2
  echo "$bin"
  exit 0
fi

mkdir -p "$dir"
echo "tidb: building tidb-server $version (this takes minutes)" >&2
start=$(date +%s)
tmp="$bin.tmp.$$"
trap 'rm -f "$tmp"' EXIT
# The version the server reports stays TiDB's default for builds without git metadata
# (8.0.11-TiDB-v8.4.0-this-is-a-placeholder); the commit is recorded as the git hash.
go build -trimpath -o "$tmp" \
  -ldflags "-X github.com/pingcap/tidb/pkg/util/versioninfo.TiDBGitHash=$commit" \
  github.com/pingcap/tidb/cmd/tidb-server
mv "$tmp" "$bin"
echo "tidb: built $bin in $(( $(date +%s) - start ))s" >&2
echo "$bin"
