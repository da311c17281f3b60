#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Checks that every C, C++ and header file of the tree is formatted as
# .clang-format says (clang-format 14, Debian 12's): prints what would
# change and exits 1 when anything would.  Test fixtures are data, not
# code, and are left out; generated code lives in the build tree only.
#
#   scripts/check-format.sh            every tracked file
#   scripts/check-format.sh FILE...    these files
#
# To format a file you wrote: clang-format -i FILE.
set -eu
cd "$(dirname "$0")/.."

clang_format=${CLANG_FORMAT:-clang-format}
if ! command -v "$clang_format" >/dev/null 2>&1; then
  echo "check-format: $clang_format not found (Debian: apt-get install clang-format)" >&2
  exit 2
fi
# another major version formats differently: the style is defined for 14
version=$("$clang_format" --version | sed -n 's/.*version \([0-9][0-9]*\)\..*/\1/p')
if [ "$version" != 14 ]; then
  echo "check-format: $clang_format is version ${version:-unknown}; .clang-format is written" \
       "for clang-format 14 (set CLANG_FORMAT to it)" >&2
  exit 2
fi

list=$(mktemp)
trap 'rm -f "$list"' EXIT
if [ $# -gt 0 ]; then
  printf '%s\n' "$@" > "$list"
elif git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  git ls-files -- '*.c' '*.h' '*.cc' > "$list"
else
  find . -path ./.git -prune -o -path './build*' -prune -o \
       \( -name '*.c' -o -name '*.h' -o -name '*.cc' \) -type f -print | sed 's|^\./||' > "$list"
fi
grep -v -e '^tests/fixtures/' "$list" > "$list.files" || true
mv "$list.files" "$list"

if [ ! -s "$list" ]; then
  echo "check-format: no files to check" >&2
  exit 2
fi
# --dry-run --Werror prints each change as a warning naming its file and line
out=$(mktemp)
trap 'rm -f "$list" "$out"' EXIT
status=0
xargs "$clang_format" --dry-run --Werror < "$list" 2> "$out" || status=$?
if [ "$status" -eq 0 ] && [ ! -s "$out" ]; then
  echo "check-format: $(wc -l < "$list") files formatted as .clang-format says"
  exit 0
fi
head -n 200 "$out" >&2
files=$(sed -n 's/^\([^:]*\):[0-9]*:[0-9]*: error:.*/\1/p' "$out" | sort -u | wc -l)
echo "check-format: $files of $(wc -l < "$list") files differ from .clang-format" \
     "(the first 200 lines of changes above); run clang-format -i on them" >&2
exit 1
