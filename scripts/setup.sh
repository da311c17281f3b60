#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# The first of the README's two commands: install the dependencies, build
# phaseout, and print this machine's compliance report.
set -eu
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake --preset default
cmake --build --preset default -j "$(nproc)"
echo
./build/cli/phaseout report
