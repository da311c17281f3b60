#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# The maintainer scripts' autoload editing (packaging/scripts/
# autoload-functions.sh) against the autoload files administrators really
# have: comments, other extensions, directory lines, a missing last newline,
# CRLF, surrounding blanks, symbolic links, restrictive modes.  Needs no root
# and touches nothing outside a temporary directory.
#
#   tests/packaging/test-autoload.sh
#
# Last line: "autoload: N passed, N failed".
set -u

source_dir=$(cd "$(dirname "$0")/../.." && pwd)
ext=/usr/lib/phaseout/phaseout.ext
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

sed "s|@PHASEOUT_EXTENSION_PATH@|$ext|" "$source_dir/packaging/scripts/autoload-functions.sh" \
  > "$work/functions.sh"
# shellcheck disable=SC1091
. "$work/functions.sh"
# no package owns anything in the temporary directory
phaseout_path_is_packaged () { return 1; }

passed=0
failed=0
# expect NAME EXPECTED-CONTENT: compares the autoload file with printf's expansion
expect () {
  _name=$1
  printf "$2" > "$work/expected"
  if cmp -s "$work/expected" "$PHASEOUT_AUTOLOAD"; then
    passed=$((passed + 1))
    echo "ok   $_name"
  else
    failed=$((failed + 1))
    echo "FAIL $_name"
    echo "     expected: $(od -c < "$work/expected" | head -n 5 | tr -s ' ')"
    echo "     got:      $(od -c < "$PHASEOUT_AUTOLOAD" 2>&1 | head -n 5 | tr -s ' ')"
  fi
}
# verify NAME COMMAND...
verify () {
  _name=$1
  shift
  if "$@"; then
    passed=$((passed + 1))
    echo "ok   $_name"
  else
    failed=$((failed + 1))
    echo "FAIL $_name"
  fi
}
fresh () {
  rm -rf "${work:?}/etc"
  mkdir -p "$work/etc/osquery"
  PHASEOUT_AUTOLOAD="$work/etc/osquery/extensions.load"
}

fresh
rm -rf "$work/etc/osquery"
phaseout_autoload_add
expect "a missing file and directory are created with the one line" "$ext\n"
verify "the new file is 0644" test "$(stat -c %a "$PHASEOUT_AUTOLOAD")" = 644
phaseout_autoload_add
expect "adding twice adds once" "$ext\n"
phaseout_autoload_remove
verify "removing the only line removes the file and the directory it is in" \
  test ! -e "$work/etc/osquery"

fresh
printf '# fleet extensions\n/opt/a/a.ext' > "$PHASEOUT_AUTOLOAD"
phaseout_autoload_add
expect "a last line without newline is not joined" "# fleet extensions\n/opt/a/a.ext\n$ext\n"
phaseout_autoload_remove
expect "remove keeps the other lines" "# fleet extensions\n/opt/a/a.ext\n"

fresh
printf '  %s  \r\n/opt/a/a.ext\n' "$ext" > "$PHASEOUT_AUTOLOAD"
phaseout_autoload_add
expect "a line with blanks and CR counts as present (osquery trims)" "  $ext  \r\n/opt/a/a.ext\n"
phaseout_autoload_remove
expect "and is removed" "/opt/a/a.ext\n"

fresh
printf '/usr/lib/phaseout/\n' > "$PHASEOUT_AUTOLOAD"
phaseout_autoload_add
expect "a line naming the directory already loads it: nothing added" "/usr/lib/phaseout/\n"
phaseout_autoload_remove
expect "a directory line is the administrator's: not removed" "/usr/lib/phaseout/\n"

fresh
printf '/opt/a/a.ext\n# %s\n' "$ext" > "$PHASEOUT_AUTOLOAD"
phaseout_autoload_add 2> "$work/stderr"
expect "a commented-out line means autoloading is off: nothing added" "/opt/a/a.ext\n# $ext\n"
verify "and the script says so" grep -q 'leaving autoloading off' "$work/stderr"
printf ';%s\n' "$ext" > "$PHASEOUT_AUTOLOAD"
phaseout_autoload_add 2> /dev/null
expect "';' comments too" ";$ext\n"
printf '/opt/a/a.ext\n# %s\n' "$ext" > "$PHASEOUT_AUTOLOAD"
phaseout_autoload_remove
expect "remove keeps a commented-out line" "/opt/a/a.ext\n# $ext\n"
phaseout_autoload_remove all
expect "purge removes it" "/opt/a/a.ext\n"

fresh
printf '/opt/a/a.ext\n%s.old\n/usr/lib/phaseout/phaseout.ext2\n' "$ext" > "$PHASEOUT_AUTOLOAD"
phaseout_autoload_add
expect "similar paths are other extensions" "/opt/a/a.ext\n$ext.old\n/usr/lib/phaseout/phaseout.ext2\n$ext\n"
phaseout_autoload_remove
expect "and stay on removal" "/opt/a/a.ext\n$ext.old\n/usr/lib/phaseout/phaseout.ext2\n"

fresh
printf '/opt/a/a.ext\n' > "$work/real.load"
chmod 0600 "$work/real.load"
ln -s "$work/real.load" "$PHASEOUT_AUTOLOAD"
phaseout_autoload_add
phaseout_autoload_remove
phaseout_autoload_add
verify "a symbolic link stays a link" test -L "$PHASEOUT_AUTOLOAD"
expect "and its target is edited" "/opt/a/a.ext\n$ext\n"
phaseout_autoload_remove
verify "a file's mode is kept when it is rewritten" test "$(stat -c %a "$work/real.load")" = 600
verify "no temporary file is left" test -z "$(find "$work/etc" "$work" -maxdepth 1 -name '*.phaseout-tmp')"

# restarting osqueryd (deb-common.sh) with a stand-in for deb-systemd-invoke
# (test-deb.sh exports the opt-out for the real package; not wanted here)
unset PHASEOUT_NO_OSQUERYD_RESTART
sed "s|@PHASEOUT_EXTENSION_PATH@|$ext|" "$source_dir/packaging/scripts/deb-common.sh" \
  > "$work/deb-common.sh"
# shellcheck disable=SC1091
. "$work/deb-common.sh"
mkdir -p "$work/bin" "$work/run-systemd" "$work/units"
printf '#!/bin/sh\necho "$*" >> "%s"\n' "$work/invoked" > "$work/bin/deb-systemd-invoke"
chmod +x "$work/bin/deb-systemd-invoke"
PATH="$work/bin:$PATH"
export PHASEOUT_TEST_SYSTEMD_RUN="$work/run-systemd"
export PHASEOUT_TEST_UNIT_DIRS="$work/units"
restarts () {
  rm -f "$work/invoked"
  phaseout_restart_osqueryd
  [ -f "$work/invoked" ] && tr '\n' ';' < "$work/invoked"
}
verify "no osqueryd unit: nothing is restarted" test -z "$(restarts)"
touch "$work/units/osqueryd.service"
verify "osqueryd.service: try-restart (a stopped unit stays stopped)" \
  test "$(restarts)" = "try-restart osqueryd.service;"
touch "$work/units/orbit.service"
verify "and fleetd's orbit.service too" \
  test "$(restarts)" = "try-restart osqueryd.service;try-restart orbit.service;"
verify "PHASEOUT_NO_OSQUERYD_RESTART=1: nothing is restarted" \
  test -z "$(PHASEOUT_NO_OSQUERYD_RESTART=1 restarts)"
rm -rf "$work/run-systemd"
verify "no systemd running: nothing is restarted" test -z "$(restarts)"

echo "autoload: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
