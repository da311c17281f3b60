#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# run.sh BUILD_DIR [SECONDS] [TARGET...]
#
# Runs every libFuzzer target (or the ones named) for SECONDS each (default
# 45: the eight targets take about six minutes), one after another, and
# prints the executions per target.  BUILD_DIR is a build configured with
# clang and -DPHASEOUT_FUZZ=ON; if it does not exist yet it is configured
# here (CC=clang CXX=clang++), and the targets are (re)built either way.
#
# Each target starts from its seeds (tests/fuzz/corpus/<target>) and its
# committed regressions, and keeps what it finds in BUILD_DIR/fuzz/corpus/
# (never in the source tree).  A crash, leak, timeout or broken output check
# is written to BUILD_DIR/fuzz/artifacts/<target>/ and makes the script exit
# 1 after the other targets have run; commit the input under
# tests/fuzz/regressions/<target>/ with the fix, and ctest replays it from
# then on (fuzz-replay-<target>).  The summary is also written to
# BUILD_DIR/fuzz/summary.md.
set -eu

if [ $# -lt 1 ]; then
  echo "usage: $0 BUILD_DIR [SECONDS] [TARGET...]" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=$1
seconds=${2:-45}
[ $# -ge 2 ] && shift 2 || shift 1
targets=${*:-"query-context policy profile dpkg-status proc kmod thrift fleet-line"}

if [ ! -f "$build/CMakeCache.txt" ]; then
  CC=${CC:-clang} CXX=${CXX:-clang++} cmake -S "$top" -B "$build" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPHASEOUT_FUZZ=ON >/dev/null
fi
if ! cmake --build "$build" --target phaseout-fuzzers -j "$(nproc)" > "$build/fuzz-build.log" 2>&1; then
  cat "$build/fuzz-build.log" >&2
  exit 2
fi

out="$build/fuzz"
mkdir -p "$out"
summary="$out/summary.md"
{
  echo "| target | seconds | executions | exec/s | corpus | coverage (edges) | peak RSS MiB | result |"
  echo "|---|---:|---:|---:|---:|---:|---:|---|"
} > "$summary"

# leaks are checked per input; GLib's one-time type and quark tables are not leaks
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
# json-glib's own parser leak on some malformed lines (see lsan.supp)
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$here/lsan.supp:print_suppressions=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export G_SLICE=always-malloc

failed=""
for target in $targets; do
  binary="$build/tests/fuzz/fuzz-$target"
  if [ ! -x "$binary" ]; then
    echo "run.sh: no $binary" >&2
    exit 2
  fi
  work="$out/corpus/$target"
  artifacts="$out/artifacts/$target/"
  log="$out/$target.log"
  mkdir -p "$work" "$artifacts"
  set -- "$work" "$here/corpus/$target"
  [ -d "$here/regressions/$target" ] && set -- "$@" "$here/regressions/$target"
  dict=""
  [ -f "$here/dict/$target.dict" ] && dict="-dict=$here/dict/$target.dict"

  status=0
  # GLib and json-glib are built without frame pointers: only the slow
  # unwinder sees past g_malloc(), which lsan.supp needs to tell json-glib's
  # parser from us; it costs ~15x, so only the target that needs it pays
  unwind=""
  [ "$target" = fleet-line ] && unwind=":fast_unwind_on_malloc=0"
  # shellcheck disable=SC2086
  ASAN_OPTIONS="$ASAN_OPTIONS$unwind" "$binary" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=2048 -max_len=65536 \
    -print_final_stats=1 -artifact_prefix="$artifacts" $dict "$@" > "$log" 2>&1 || status=$?

  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
  rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -n 1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | sed 's/cov: //')
  corpus=$(ls "$work" | wc -l)
  if [ "$status" -eq 0 ]; then
    result=ok
  else
    result="FAILED (exit $status, see $log)"
    failed="$failed $target"
  fi
  printf '%-14s %8s executions %6s/s  corpus %5s  cov %6s  rss %5s MiB  %s\n' \
    "$target" "${execs:-?}" "${rate:-?}" "$corpus" "${cov:-?}" "${rss:-?}" "$result"
  echo "| $target | $seconds | ${execs:-?} | ${rate:-?} | $corpus | ${cov:-?} | ${rss:-?} | $result |" \
    >> "$summary"
done

if [ -n "$failed" ]; then
  echo "run.sh: failed:$failed; inputs in $out/artifacts/ (add them to tests/fuzz/regressions/)" >&2
  exit 1
fi
