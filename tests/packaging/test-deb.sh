#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# The package test: builds phaseout's .deb (and .rpm where rpmbuild exists)
# with packaging/build-packages.sh, lints them, installs the .deb on this
# machine, checks what a fleet administrator relies on, uses every front end
# from the installed paths, reinstalls and upgrades it, then removes and
# purges it and checks that only what policy says stays is left.  Run as
# root, on a machine where the phaseout package is not installed.  What is
# already in the places the package touches (/etc/osquery, /etc/phaseout,
# /var/lib/phaseout, the program directories) is moved aside and put back
# at the end.
#
#   tests/packaging/test-deb.sh BUILD_DIR
#
# BUILD_DIR is the normal build (scripts/test.sh's `build`): the test takes
# the osqueryd stand-in, BUILD_DIR/tests/standin/po-osqueryd, from it.  The
# package itself is built in a temporary tree with Debian's hardening flags,
# as a release would be.  PHASEOUT_PKG_BUILD_DIR=DIR builds there instead and
# keeps it (and the packages) for a look afterwards.
#
# Last line: "packaging: N passed, N failed".  Exit status 0 only when
# nothing failed.
set -u

if [ $# -ne 1 ]; then
  echo "usage: $0 BUILD_DIR" >&2
  exit 2
fi

source_dir=$(cd "$(dirname "$0")/../.." && pwd)
build_dir=$(cd "$1" 2>/dev/null && pwd) || { echo "test-deb: no build directory $1" >&2; exit 2; }
standin="$build_dir/tests/standin/po-osqueryd"

ext=/usr/lib/phaseout/phaseout.ext
autoload=/etc/osquery/extensions.load
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)
sqlite_module=/usr/lib/$multiarch/phaseout/phaseout.so

passed=0
failed=0
pass () { passed=$((passed + 1)); echo "ok   $*"; }
fail () { failed=$((failed + 1)); echo "FAIL $*"; }
# check DESCRIPTION COMMAND...: passes when the command succeeds
check () {
  _what=$1
  shift
  if "$@" > "$work/check.out" 2>&1; then
    pass "$_what"
  else
    fail "$_what"
    grep -v '^ok ' "$work/check.out" | sed 's/^/     | /' | head -n 30
  fi
}
finish () {
  echo "packaging: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit $?
}
# a failure after which nothing else can be tested
abort () {
  fail "$*"
  finish
}

# ------------------------------------------------------------ preconditions
if [ "$(id -u)" -ne 0 ]; then
  echo "test-deb: run as root (it installs and purges the package)" >&2
  exit 2
fi
for tool in dpkg-buildflags cpack lintian sqlite3; do
  command -v "$tool" >/dev/null 2>&1 || { echo "test-deb: needs $tool (scripts/install-deps.sh)" >&2; exit 2; }
done
if [ ! -x "$standin" ]; then
  echo "test-deb: no osqueryd stand-in at $standin (build $1 with tests on)" >&2
  exit 2
fi
if dpkg-query -W -f='${Status}' phaseout 2>/dev/null | grep -q 'installed\|config-files'; then
  echo "test-deb: phaseout is installed on this machine; refusing to replace or purge it" >&2
  exit 2
fi
# The places the package owns or touches.  Whatever is there already (a
# state database left by the test suite, which runs phaseout as root; a
# source install; osquery's configuration) is moved aside into the work
# directory and put back at the end.
touched="/etc/osquery /etc/phaseout /var/lib/phaseout /usr/lib/phaseout ${sqlite_module%/*}"
work=$(mktemp -d /tmp/phaseout-test-deb.XXXXXX)
backup="$work/backup"
standin_pid=
cleanup () {
  if [ -n "$standin_pid" ]; then
    kill "$standin_pid" 2>/dev/null
    wait "$standin_pid" 2>/dev/null
  fi
  if dpkg-query -W -f='${Status}' phaseout 2>/dev/null | grep -q 'installed\|config-files'; then
    PHASEOUT_NO_OSQUERYD_RESTART=1 dpkg --purge phaseout > /dev/null 2>&1
  fi
  for _path in $touched; do
    rm -rf "$_path"
    if [ -e "$backup$_path" ] || [ -L "$backup$_path" ]; then
      mv "$backup$_path" "$_path" || echo "test-deb: could not put $_path back from $backup$_path" >&2
    fi
  done
  [ -n "$(find "$backup" -mindepth 1 ! -type d 2>/dev/null)" ] || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

for path in $touched; do
  if [ -e "$path" ] || [ -L "$path" ]; then
    mkdir -p "$backup${path%/*}"
    mv "$path" "$backup$path" || abort "cannot move $path aside"
    echo "test-deb: moved $path aside to $backup$path; it is put back at the end"
  fi
done

# maintainer scripts must not restart a real osqueryd on a CI machine
export PHASEOUT_NO_OSQUERYD_RESTART=1

# ---------------------------------------------- maintainer scripts' logic
echo "== autoload editing (tests/packaging/test-autoload.sh)"
check "autoload editing: comments, directory lines, CRLF, links, modes" \
  "$source_dir/tests/packaging/test-autoload.sh"

# ------------------------------------------------------------------ build
pkg_build=${PHASEOUT_PKG_BUILD_DIR:-$work/build}
echo "== building packages in $pkg_build"
if ! "$source_dir/packaging/build-packages.sh" "$pkg_build" > "$work/build.log" 2>&1; then
  tail -n 30 "$work/build.log"
  abort "packaging/build-packages.sh"
fi
deb=$(ls "$pkg_build"/packages/phaseout_*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || abort "cpack made no .deb"
pass "cpack made $(basename "$deb")"
version=$(dpkg-deb -f "$deb" Version)
upstream_version=${version%-*}

echo "== lint"
check "lintian: no error, warning or info tag that is not overridden" \
  lintian --fail-on error,warning,info --info "$deb"
check "Depends computed by dpkg-shlibdeps (libglib2.0-0, libsqlite3-0, libthrift-c-glib0)" \
  sh -c "dpkg-deb -f '$deb' Depends | grep libglib2.0-0 | grep libsqlite3-0 | grep -q libthrift-c-glib0"
check "conffiles: exactly /etc/phaseout/phaseout.conf" \
  sh -c "dpkg-deb --ctrl-tarfile '$deb' | tar -xO ./conffiles | grep -qx /etc/phaseout/phaseout.conf"

rpm_file=$(ls "$pkg_build"/packages/phaseout-*.rpm 2>/dev/null | head -n 1)
if [ -n "$rpm_file" ]; then
  check "rpm: phaseout.ext 0755 root, SQLite module 0644, conffile %config(noreplace)" sh -c "
    rpm -qlvp '$rpm_file' 2>/dev/null | grep -q '^-rwxr-xr-x .* root *root .* $ext\$' &&
    rpm -qlvp '$rpm_file' 2>/dev/null | grep -q '^-rw-r--r-- .* root *root .* $sqlite_module\$' &&
    rpm -qp --configfiles '$rpm_file' 2>/dev/null | grep -qx /etc/phaseout/phaseout.conf"
  # the scriptlets themselves, as rpm runs them (sh, $1 the count of
  # versions left), on a scratch autoload file: install, upgrade (post 2,
  # then the old version's preun 1), erase (preun 0)
  rpm -qp --qf '%{POSTIN}' "$rpm_file" > "$work/rpm-post.sh" 2>/dev/null
  rpm -qp --qf '%{PREUN}' "$rpm_file" > "$work/rpm-preun.sh" 2>/dev/null
  check "rpm: %post adds the autoload line once, %preun keeps it on upgrade and removes it on erase" sh -c "
    export PHASEOUT_AUTOLOAD='$work/rpm-extensions.load' PHASEOUT_NO_OSQUERYD_RESTART=1
    printf '# kept\\n/usr/lib/other/other.ext\\n' > \$PHASEOUT_AUTOLOAD
    sh '$work/rpm-post.sh' 1 && sh '$work/rpm-post.sh' 2 && sh '$work/rpm-preun.sh' 1 || exit 1
    n=\$(grep -c '/phaseout\\.ext\$' \$PHASEOUT_AUTOLOAD)
    [ \"\$n\" = 1 ] || { echo \"after install and upgrade: \$n phaseout lines\"; cat \$PHASEOUT_AUTOLOAD; exit 1; }
    sh '$work/rpm-preun.sh' 0 || exit 1
    ! grep -q phaseout \$PHASEOUT_AUTOLOAD || { echo 'after erase:'; cat \$PHASEOUT_AUTOLOAD; exit 1; }
    grep -qx '/usr/lib/other/other.ext' \$PHASEOUT_AUTOLOAD && grep -qx '# kept' \$PHASEOUT_AUTOLOAD"
  if command -v rpmlint >/dev/null 2>&1; then
    check "rpmlint: no finding beyond the justified filters" sh -c "
      rpmlint -r '$source_dir/packaging/phaseout.rpmlintrc' '$rpm_file' > '$work/rpmlint.out' 2>&1;
      cat '$work/rpmlint.out'; grep -q ' 0 errors, 0 warnings' '$work/rpmlint.out'"
  fi
fi

# ---------------------------------------------------------------- install
echo "== install"
# an autoload file an administrator already has: a comment, another
# extension, and no newline at the end
mkdir -p /etc/osquery
printf '# managed by config management\n/opt/other/other.ext' > "$autoload"

if ! dpkg -i "$deb" > "$work/dpkg.log" 2>&1; then
  # missing libraries: let apt bring them and finish the configuration
  apt-get -f install -y -qq >> "$work/dpkg.log" 2>&1
fi
if ! dpkg-query -W -f='${Status}' phaseout 2>/dev/null | grep -qx 'install ok installed'; then
  cat "$work/dpkg.log"
  abort "dpkg -i $(basename "$deb")"
fi
pass "dpkg -i $(basename "$deb")"
dpkg -L phaseout | sort > "$work/files-installed"

check "file modes and owners (root:root; programs 0755, data 0644, directories 0755)" sh -c "
  for spec in '$ext 755' '/usr/lib/phaseout 755' '/usr/bin/phaseout 755' \
              '$sqlite_module 644' '/etc/phaseout 755' '/etc/phaseout/phaseout.conf 644' \
              '/etc/phaseout/policies.d 755' \
              '/usr/share/man/man1/phaseout.1.gz 644' '/usr/share/doc/phaseout/copyright 644'; do
    set -- \$spec
    got=\$(stat -c '%a %U %G' \"\$1\" 2>&1)
    [ \"\$got\" = \"\$2 root root\" ] || { echo \"\$1: \$got, expected \$2 root root\"; exit 1; }
  done"

# the query pack and Fleet policies: every file of fleet/ the install rule takes
if [ -d "$source_dir/fleet" ]; then
  check "fleet/ is installed in /usr/share/phaseout/fleet/" sh -c "
    cd '$source_dir/fleet' && find . -type f ! -name '*.sh' ! -name CMakeLists.txt ! -path '*/test*' |
    while read -r f; do cmp \"\$f\" \"/usr/share/phaseout/fleet/\$f\" || exit 1; done"
fi

# osqueryd's own test before it autoloads (docs/dev/osquery-extension-protocol.md §6.6)
check "osqueryd would autoload $ext: *.ext, root-owned, u+x, not world-writable, no sticky bit on its directory" sh -c "
  case '$ext' in *.ext) ;; *) echo 'no .ext suffix'; exit 1 ;; esac
  [ -f '$ext' ] && [ ! -L '$ext' ] || { echo 'not a regular file'; exit 1; }
  [ \$(stat -c %u '$ext') -eq 0 ] || { echo 'not owned by root'; exit 1; }
  [ -n \"\$(find '$ext' -perm -u+x)\" ] || { echo 'no S_IXUSR'; exit 1; }
  [ -z \"\$(find '$ext' -perm -o+w)\" ] || { echo 'world-writable'; exit 1; }
  [ -z \"\$(find /usr/lib/phaseout -maxdepth 0 -perm -1000)\" ] || { echo 'sticky directory'; exit 1; }"
check "policies.d is neither group- nor world-writable (phaseout refuses such directories as root)" \
  sh -c "[ -z \"\$(find /etc/phaseout/policies.d -maxdepth 0 -perm /022)\" ]"

autoload_lines () { grep -cx "$ext" "$autoload" 2>/dev/null || true; }
check "autoload: $ext listed exactly once" test "$(autoload_lines)" = 1
check "autoload: the administrator's lines are kept, the unterminated last line not joined" sh -c "
  grep -qx '# managed by config management' '$autoload' && grep -qx /opt/other/other.ext '$autoload'"

# ----------------------------------------------------------- front ends
echo "== use the installed files"
check "phaseout report" sh -c "
  /usr/bin/phaseout report > '$work/report' 2>&1; rc=\$?; cat '$work/report';
  [ \$rc -eq 0 ] && grep -q 'compliance report' '$work/report' &&
  grep -q '^  profile *.*/etc/phaseout/phaseout.conf\$' '$work/report'"
check "phaseout query \"SELECT version FROM phaseout_info\" says $upstream_version" sh -c "
  [ \"\$(/usr/bin/phaseout query --csv 'SELECT version FROM phaseout_info' | tr -d '\\r' | tail -n 1)\" = '$upstream_version' ]"
check "phaseout --version" sh -c "/usr/bin/phaseout --version | grep -qx 'phaseout $upstream_version'"
check "the example configuration is valid: with it uncommented, the profile applies" sh -c "
  sed 's/^#jurisdictions=/jurisdictions=/; s/^#organisation-types=/organisation-types=/' \
    /etc/phaseout/phaseout.conf > '$work/profile.conf' &&
  /usr/bin/phaseout query --csv --config='$work/profile.conf' \
    \"SELECT applicability FROM phaseout_policies WHERE id = 'nl-kamerbrief-2018'\" | tr -d '\\r' | grep -qx binding"

# the state directory is phaseout's to create, for root only
check "the state directory, once phaseout has made it, is root's alone (0700)" sh -c "
  [ ! -e /var/lib/phaseout ] || [ \"\$(stat -c '%a %U' /var/lib/phaseout)\" = '700 root' ]"

# the administrator's policies: the shipped examples, installed as documented
install -m 0644 /usr/share/doc/phaseout/examples/policies/*.json /etc/phaseout/policies.d/
check "policy files in /etc/phaseout/policies.d are read" sh -c "
  /usr/bin/phaseout query --csv \"SELECT origin FROM phaseout_policies\" | grep -q '^/etc/phaseout/policies.d/'"
check "phaseout policy check on the shipped examples" \
  /usr/bin/phaseout policy check /usr/share/doc/phaseout/examples/policies/*.json
check "man page: formats cleanly and matches phaseout --help" \
  "$source_dir/tests/packaging/check-manpage.sh" /usr/bin/phaseout /usr/share/man/man1/phaseout.1.gz

check "sqlite3: .load of the installed module" sh -c "
  [ \"\$(sqlite3 :memory: '.load ${sqlite_module%.so}' 'SELECT version FROM phaseout_info')\" = '$upstream_version' ]"

# osqueryd reads the autoload file (trimmed lines, '#' and ';' comments) and
# launches each entry: the stand-in is given exactly those entries, and the
# Fleet-style option reaches the installed extension
autoloaded=$(sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' "$autoload" | grep -v -e '^$' -e '^[#;]' | grep -x "$ext")
standin_dir="$work/osquery"
mkdir -p "$standin_dir"
run_standin () {
  "$standin" --socket "$standin_dir/osquery.em" --extension "$autoloaded" \
    --wait-registered phaseout --wait-timeout 20 \
    --option custom_phaseout_jurisdictions=US \
    --query "SELECT version FROM phaseout_info" \
    --query "SELECT applicability FROM phaseout_policies WHERE id = 'nl-kamerbrief-2018'" \
    --json --stop-grace 5 > "$work/standin.out" 2> "$work/standin.err" &
  standin_pid=$!
  wait "$standin_pid"
  standin_rc=$?
  standin_pid=
}
run_standin
# phaseout.ext builds its runtime between registering and listening, so a
# query that comes at once can find no socket on a loaded machine
# (docs/dev/osquery-extension-protocol.md §3.3): say so, and try once more,
# since this test is about the package
if [ "$standin_rc" -ne 0 ] && grep -q 'Extension socket not available' "$work/standin.err"; then
  echo "note: phaseout.ext was registered but not yet listening when the first query came;" \
       "running the stand-in again"
  run_standin
fi
check "the installed phaseout.ext registers with the osqueryd stand-in and answers queries" sh -c "
  cat '$work/standin.out'; [ $standin_rc -eq 0 ] || { tail -n 20 '$work/standin.err'; exit 1; }
  grep -qx '{\"version\":\"$upstream_version\"}' '$work/standin.out'"
check "custom_phaseout_jurisdictions from osquery's options reaches the extension" \
  grep -qx '{"applicability":"other_jurisdiction"}' "$work/standin.out"

# -------------------------------------------------------------- reinstall
echo "== reinstall the same version"
sed -i 's/^#jurisdictions=NL;EU/jurisdictions=NL;EU/' /etc/phaseout/phaseout.conf
[ -e /var/lib/phaseout/state.db ] || {
  (umask 077; mkdir -p /var/lib/phaseout)
  echo 'fixture standing in for the state database' > /var/lib/phaseout/state.db
}
check "dpkg -i again" dpkg -i "$deb"
check "autoload: still exactly once" test "$(autoload_lines)" = 1
check "the administrator's edit of the conffile is kept" grep -qx 'jurisdictions=NL;EU' /etc/phaseout/phaseout.conf
check "the state database and the administrator's policies are kept" sh -c "
  [ -f /var/lib/phaseout/state.db ] && [ -f /etc/phaseout/policies.d/50-acme-no-kaspersky.json ]"

sed -i "s|^$ext\$|# $ext|" "$autoload"
check "a commented-out autoload line is respected by the next install" sh -c "
  dpkg -i '$deb' && [ \$(grep -cx '$ext' '$autoload') -eq 0 ] && grep -qx '# $ext' '$autoload'"
sed -i "s|^# $ext\$|$ext|" "$autoload"

# ---------------------------------------------------------------- upgrade
echo "== upgrade to a new release of the package"
if cmake -DPHASEOUT_PACKAGE_RELEASE=2 "$pkg_build" > "$work/release2.log" 2>&1 \
   && (cd "$pkg_build" && cpack -G DEB) >> "$work/release2.log" 2>&1; then
  deb2=$(ls "$pkg_build"/packages/phaseout_*-2_*.deb 2>/dev/null | head -n 1)
fi
cmake -DPHASEOUT_PACKAGE_RELEASE=1 "$pkg_build" > /dev/null 2>&1
if [ -n "${deb2:-}" ]; then
  check "dpkg -i $(basename "$deb2") upgrades $version" sh -c "
    dpkg -i '$deb2' && dpkg-query -W -f='\${Version}' phaseout | grep -qx '${upstream_version}-2'"
  check "after the upgrade: autoload once, conffile edit, state and policies kept" sh -c "
    [ \$(grep -cx '$ext' '$autoload') -eq 1 ] && grep -qx 'jurisdictions=NL;EU' /etc/phaseout/phaseout.conf &&
    [ -f /var/lib/phaseout/state.db ] && [ -f /etc/phaseout/policies.d/50-acme-no-kaspersky.json ]"
else
  tail -n 20 "$work/release2.log"
  fail "cpack made no release 2 package to upgrade to"
fi

# ----------------------------------------------------------------- remove
echo "== remove"
check "dpkg -r phaseout" dpkg -r phaseout
check "autoload: the line is gone, the administrator's lines stay" sh -c "
  [ \$(grep -c '$ext' '$autoload') -eq 0 ] &&
  grep -qx '# managed by config management' '$autoload' && grep -qx /opt/other/other.ext '$autoload'"
check "the programs are gone" sh -c "[ ! -e '$ext' ] && [ ! -e /usr/bin/phaseout ] && [ ! -e '$sqlite_module' ]"
check "remove keeps the state database, the conffile and the policies" sh -c "
  [ -f /var/lib/phaseout/state.db ] && [ -f /etc/phaseout/phaseout.conf ] &&
  [ -f /etc/phaseout/policies.d/10-acme-vendor.json ] &&
  dpkg-query -W -f='\${Status}' phaseout | grep -qx 'deinstall ok config-files'"

# ------------------------------------------------------------------ purge
echo "== purge"
check "dpkg -P phaseout" dpkg -P phaseout
check "purge removes the state directory and the conffile" sh -c "
  [ ! -e /var/lib/phaseout ] && [ ! -e /etc/phaseout/phaseout.conf ]"
check "nothing of the package is left but the administrator's policy files" sh -c "
  left=\$(find /etc/phaseout /var/lib/phaseout /usr/lib/phaseout '${sqlite_module%/*}' \
              /usr/share/doc/phaseout /usr/share/phaseout 2>/dev/null | sort)
  expected=\$(printf '%s\n' /etc/phaseout /etc/phaseout/policies.d \
    /etc/phaseout/policies.d/10-acme-vendor.json /etc/phaseout/policies.d/50-acme-no-kaspersky.json \
    /etc/phaseout/policies.d/90-nl-kamerbrief-2018-local-deadline.json | sort)
  [ \"\$left\" = \"\$expected\" ] || { echo \"left behind:\"; echo \"\$left\"; exit 1; }
  while read -r path; do
    [ -d \"\$path\" ] && continue
    case \"\$path\" in /etc/phaseout/policies.d/*) continue ;; esac
    [ ! -e \"\$path\" ] || { echo \"still there: \$path\"; exit 1; }
  done < '$work/files-installed'
  ! dpkg-query -W phaseout > /dev/null 2>&1 || dpkg-query -W -f='\${Status}' phaseout | grep -q not-installed"
check "autoload: only the administrator's lines remain" sh -c "
  [ \"\$(cat '$autoload')\" = \"\$(printf '# managed by config management\n/opt/other/other.ext')\" ]"
rm -rf /etc/phaseout

# ----------------------- a machine without osquery's configuration directory
echo "== install and purge without /etc/osquery"
rm -rf /etc/osquery
check "install creates /etc/osquery/extensions.load with the one line, mode 0644" sh -c "
  dpkg -i '$deb' > /dev/null && [ \"\$(cat '$autoload')\" = '$ext' ] &&
  [ \"\$(stat -c '%a %U' '$autoload')\" = '644 root' ]"
check "purge removes the autoload file and the directory it made" sh -c "
  dpkg -P phaseout > /dev/null && [ ! -e '$autoload' ] && [ ! -e /etc/osquery ]"

finish
