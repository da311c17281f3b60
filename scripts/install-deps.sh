#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Installs what phaseout needs to build and test on Debian 12, from
# Debian's own packages.  Run as root (or through sudo).
set -eu

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps.sh: run as root (sudo $0)" >&2
  exit 1
fi

# build: compiler, CMake, the libraries phaseout links, the Thrift compiler
# (liblzma, libzstd: kernel modules are decompressed and checked before libkmod reads them;
# libpq: `phaseout fleet --db postgresql://...` keeps the fleet view in PostgreSQL)
build_packages="
  build-essential cmake pkg-config
  libglib2.0-dev libglib2.0-bin libjson-glib-dev libsqlite3-dev
  libthrift-c-glib-dev thrift-compiler
  libkmod-dev librpm-dev
  liblzma-dev libzstd-dev
  libpq-dev"

# tests: GoogleTest, the C++ Thrift library for the osqueryd stand-in (its
# headers need Boost), the sqlite3 shell, valgrind, libyaml (the export
# tests read the Fleet YAML back), and the tools the
# inventory tests build their fixtures with (signed kernel modules, a
# private D-Bus, an rpm database), and clang's libFuzzer for the fuzz targets;
# for the fleet view (tests/fleet, bench/fleet): a PostgreSQL server the test
# starts itself (initdb, pg_ctl) and its psql, headless Chromium to render
# the HTML report and libpng to check the screenshot, jq as the benchmark's
# yardstick, faketime for the report's default date
test_packages="
  googletest libgtest-dev libthrift-dev libboost-dev
  sqlite3 valgrind libyaml-dev
  binutils openssl xz-utils zstd kmod dbus rpm
  clang libclang-rt-14-dev
  postgresql chromium libpng-dev jq faketime"

# packaging: CPack's dpkg/rpm back ends and lintian
packaging_packages="dpkg-dev file lintian fakeroot rpmlint"

# style: scripts/check-format.sh (the first step of scripts/test.sh) formats
# with clang-format 14, the version .clang-format is written for
style_packages="clang-format"

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $build_packages $test_packages $packaging_packages \
  $style_packages
