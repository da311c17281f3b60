#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# The second of the README's two commands, and what CI runs: every test.
#   0. the format check (scripts/check-format.sh: clang-format 14, .clang-format);
#   1. the normal build and its whole suite (unit, integration through the
#      osqueryd stand-in, memcheck of phaseout.ext);
#   2. the same suite built with AddressSanitizer + UndefinedBehaviorSanitizer;
#   3. the fuzz targets, 45 s each (libFuzzer + ASan + UBSan, clang);
#   4. the package test: build the .deb, install, use, remove, purge;
#   5. quick benchmark runs (bench/run, bench/fleet), so bench/ keeps building
#      and running (their figures are printed, never judged here: timings
#      are not tests).
set -eu
cd "$(dirname "$0")/.."
jobs=$(nproc)

scripts/install-deps.sh

echo "== format (clang-format --dry-run --Werror) =="
scripts/check-format.sh

echo "== normal build =="
cmake --preset default
cmake --build --preset default -j "$jobs"
ctest --preset default -j "$jobs"

echo "== sanitizer build (ASan + UBSan) =="
cmake --preset sanitize
cmake --build --preset sanitize -j "$jobs"
ctest --preset sanitize -j "$jobs"

echo "== fuzzing (libFuzzer + ASan + UBSan, 45 s per target) =="
tests/fuzz/run.sh build-fuzz 45

if [ -x tests/packaging/test-deb.sh ]; then
  echo "== packaging =="
  tests/packaging/test-deb.sh build
fi

echo "== benchmark smoke run (bench/run --quick; figures only) =="
bench/run --quick --build build --work "${TMPDIR:-/tmp}/phaseout-bench-quick"
bench/fleet --quick --build build --work "${TMPDIR:-/tmp}/phaseout-bench-fleet-quick"
