#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Builds phaseout's .deb (and .rpm, where rpmbuild exists) the way a Debian
# package is built: Debian's hardening flags from dpkg-buildflags, prefix
# /usr, no test suite, then cpack.
#
#   packaging/build-packages.sh BUILD_DIR [cpack args...]
#
# BUILD_DIR is made if needed and may be reused; the packages land in
# BUILD_DIR/packages/.  Extra arguments go to cpack (e.g. -G DEB).
set -eu

if [ $# -lt 1 ]; then
  echo "usage: $0 BUILD_DIR [cpack args...]" >&2
  exit 2
fi
build_dir=$1
shift
source_dir=$(cd "$(dirname "$0")/.." && pwd)

# hardening=+all adds bindnow and PIE to Debian's defaults (fortify,
# stack protector, relro); CMake reads CFLAGS/CXXFLAGS/LDFLAGS from the
# environment when it first configures a tree, and knows no CPPFLAGS
export DEB_BUILD_MAINT_OPTIONS="hardening=+all"
CPPFLAGS=$(dpkg-buildflags --get CPPFLAGS)
CFLAGS="$(dpkg-buildflags --get CFLAGS) $CPPFLAGS"
CXXFLAGS="$(dpkg-buildflags --get CXXFLAGS) $CPPFLAGS"
LDFLAGS=$(dpkg-buildflags --get LDFLAGS)
export CFLAGS CXXFLAGS LDFLAGS

cmake -S "$source_dir" -B "$build_dir" \
  -DCMAKE_BUILD_TYPE=None \
  -DCMAKE_INSTALL_PREFIX=/usr \
  -DPHASEOUT_BUILD_TESTS=OFF
cmake --build "$build_dir" -j "$(nproc)"
rm -rf "$build_dir/packages"
(cd "$build_dir" && cpack "$@")
ls -l "$build_dir/packages"
