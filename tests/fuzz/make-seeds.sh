#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# make-seeds.sh: (re)writes the seed corpora in tests/fuzz/corpus/ from the
# repository's fixtures, data and examples.  Run it after a fixture or the
# format changes; commit what it writes (it is small).  Needs what the
# inventory tests need for kernel modules (gcc, objcopy, openssl, xz, zstd,
# depmod: tests/inventory/build-module-fixtures.sh).
#
# Multi-part inputs use the separator of po-fuzz.h: a line "--8<--".
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
corpus="$here/corpus"
fixtures="$top/tests/fixtures"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

sep() { printf '\n--8<--\n'; }

reset() {
  rm -rf "${corpus:?}/$1"
  mkdir -p "$corpus/$1"
}

# ---- query-context: a table-choosing byte, then osqueryd's context JSON ----
reset query-context
n=0
for json in \
  '{"constraints":[{"name":"id","list":[{"op":2,"expr":"us-dhs-bod-17-01"}],"affinity":"TEXT"}],"colsUsed":["id","title"],"colsUsedBitset":3}' \
  '{"constraints":[{"name":"id","list":"","affinity":"TEXT"},{"name":"vendor","list":[{"op":"2","expr":"kaspersky"},{"op":65,"expr":"ka%"}],"affinity":"TEXT"}]}' \
  '{"constraints":[{"name":"days_left","list":[{"op":16,"expr":"30"},{"op":32,"expr":"-1"}],"affinity":"INTEGER"}],"colsUsed":[]}' \
  '{"constraints":[],"colsUsed":["version","pid"],"colsUsedBitset":18446744073709551615}' \
  '{"constraints":null}' \
  '{}' \
  '{"constraints":[{"name":"name","list":[{"op":2,"expr":"k\u00e9sl\n\u0000x"},{"op":67,"expr":"^kesl$"},{"op":66,"expr":"kes*"}]}]}'
do
  for table in 0 1 2 3 4 5; do
    printf "\\$(printf %03o $table)%s" "$json" > "$corpus/query-context/seed-$n"
    n=$((n + 1))
  done
done

# ---- policy: every policy and vendor file the repository has ----
reset policy
for file in "$top"/data/policies/*.json "$top"/data/vendors/*.json \
            "$top"/examples/policies/*.json \
            "$fixtures"/catalogue/good/*.json "$fixtures"/catalogue/bad/*.json; do
  cp "$file" "$corpus/policy/$(basename "$(dirname "$file")")-$(basename "$file")"
done

# ---- profile: a [profile] key file, then option lines ----
reset profile
{
  printf '[profile]\nname=Ministerie van Voorbeeldzaken\njurisdictions=NL\n'
  printf 'organisation-types=central-government\ngrace-period-days=180\n'
  printf 'disabled-policies=uk-ncsc-2017;de-bsi-2022\ndevice-class=desktop\n'
  sep
  printf 'custom_phaseout_jurisdictions=US,US-TX\nphaseout_organisation_type=municipality\n'
} > "$corpus/profile/full"
{
  printf '# a comment\n[profile]\nname=Gemeente \xc3\x9ctrecht\norganization-type=x-acme-subsidiary\n'
  printf '[other]\nkey=value\n'
  sep
  printf 'custom_phaseout_grace_period_days=36500\ncustom_phaseout_disabled_policies=\n'
} > "$corpus/profile/spelling"
printf '[profile]\njurisdictions=EU;*;UK\ngrace-period-days=-1\norganisation-types=muncipality\n' \
  > "$corpus/profile/bad-values"
printf '[profile]\ndevice-class=mobile\n' > "$corpus/profile/bad-device-class"
printf '[profile]\nname=a\nname=b\nunknown=1\n' > "$corpus/profile/unknown-key"

# ---- dpkg-status: status, then one updates journal file ----
reset dpkg-status
kesl="$fixtures/inventory/kesl-host"
{ cat "$kesl/var/lib/dpkg/status"; sep; cat "$kesl/var/lib/dpkg/updates/0001"; } \
  > "$corpus/dpkg-status/kesl-host"
cp "$fixtures/inventory/hostile/var/lib/dpkg/status" "$corpus/dpkg-status/hostile"
for host in "$fixtures"/compliance/*/; do
  [ -f "$host/var/lib/dpkg/status" ] &&
    cp "$host/var/lib/dpkg/status" "$corpus/dpkg-status/compliance-$(basename "$host")"
done

# ---- proc: status, comm, cmdline, exe target of one process ----
reset proc
for dir in "$fixtures"/inventory/*/proc/[0-9]* "$fixtures"/compliance/*/proc/[0-9]*; do
  [ -d "$dir" ] || continue
  name="$(basename "$(dirname "$(dirname "$dir")")")-$(basename "$dir")"
  {
    [ -f "$dir/status" ] && cat "$dir/status"
    sep
    [ -f "$dir/comm" ] && cat "$dir/comm"
    sep
    [ -f "$dir/cmdline" ] && cat "$dir/cmdline"
    sep
    [ -L "$dir/exe" ] && printf '%s' "$(readlink "$dir/exe")"
  } > "$corpus/proc/$name"
done

# ---- kmod: module file, /proc/modules, modules.builtin.modinfo, modules.builtin ----
reset kmod
release=6.1.0-fuzz
sh "$top/tests/inventory/build-module-fixtures.sh" "$work/root" "$release" >/dev/null 2>&1
moddir="$work/root/lib/modules/$release"
builtin_dir=$(ls -d "$kesl"/lib/modules/* | head -n 1)
for module in "$moddir"/extra/kav4fs_oas.ko \
              "$moddir"/kernel/drivers/net/ethernet/intel/e1000e/e1000e.ko.xz \
              "$moddir"/updates/dkms/vboxdrv.ko.zst "$moddir"/extra/broken.ko; do
  {
    cat "$module"
    sep
    printf 'fuzzmod 16384 2 usb_storage,uas, Live 0xffffffffc0a00000 (POE)\n'
    printf 'e1000e 286720 0 - Live 0xffffffffc0b00000\n'
    sep
    cat "$builtin_dir/modules.builtin.modinfo"
    sep
    cat "$builtin_dir/modules.builtin"
  } > "$corpus/kmod/$(basename "$module")"
done
cp "$kesl/proc/modules" "$work/modules"
{ sep; cat "$work/modules"; } > "$corpus/kmod/proc-modules-only"

# ---- thrift: requests as osqueryd sends them on the extension socket ----
reset thrift
be32() {
  n=$1
  printf "\\$(printf %03o $(( (n >> 24) & 255 )))"
  printf "\\$(printf %03o $(( (n >> 16) & 255 )))"
  printf "\\$(printf %03o $(( (n >> 8) & 255 )))"
  printf "\\$(printf %03o $(( n & 255 )))"
}
tstr() { be32 "${#1}"; printf '%s' "$1"; }
header() { be32 $((0x80010000 | $2)); tstr "$1"; be32 "$3"; }  # name type seqid
ping() { header ping 1 1; printf '\000'; }
shutdown_call() { header shutdown 1 7; printf '\000'; }
# call(registry, item, request map of n pairs given as key value ...)
call() {
  registry=$1 item=$2 seqid=$3
  shift 3
  header call 1 "$seqid"
  printf '\013\000\001'; tstr "$registry"
  printf '\013\000\002'; tstr "$item"
  printf '\015\000\003\013\013'; be32 $(($# / 2))
  while [ $# -gt 0 ]; do tstr "$1"; tstr "$2"; shift 2; done
  printf '\000'
}
context='{"constraints":[{"name":"id","list":[{"op":2,"expr":"us-dhs-bod-17-01"}],"affinity":"TEXT"}],"colsUsed":["id"]}'
ping > "$corpus/thrift/ping"
shutdown_call > "$corpus/thrift/shutdown"
for table in phaseout_info phaseout_policies banned_software phaseout_status phaseout_history \
             vendor_drivers; do
  call table "$table" 2 action generate > "$corpus/thrift/generate-$table"
  call table "$table" 3 action columns > "$corpus/thrift/columns-$table"
done
call table phaseout_policies 4 action generate context "$context" > "$corpus/thrift/generate-context"
call table phaseout_info 5 action explode > "$corpus/thrift/bad-action"
call logger phaseout_info 6 action generate > "$corpus/thrift/bad-registry"
call table phaseout_info 8 > "$corpus/thrift/no-action"
call table phaseout_info 9 action update id 1 > "$corpus/thrift/update"
{ ping; call table phaseout_info 2 action generate; ping; call table phaseout_policies 3 action columns; } \
  > "$corpus/thrift/keep-alive"
# the old non-strict header: name length, name, type byte, seqid
{ tstr ping; printf '\001'; be32 1; printf '\000'; } > "$corpus/thrift/non-strict-ping"
printf 'GET / HTTP/1.1\r\nHost: x\r\n\r\n' > "$corpus/thrift/http"
{ header call 1 1; printf '\017\000\011\014'; be32 3; printf '\000\000\000'; printf '\000'; } \
  > "$corpus/thrift/unknown-field-list"

echo "seeds written to $corpus:"
for dir in "$corpus"/*/; do
  printf '  %-14s %3d files %7d bytes\n' "$(basename "$dir")" "$(ls "$dir" | wc -l)" \
    "$(cat "$dir"/* | wc -c)"
done
