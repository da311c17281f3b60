#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# build-module-fixtures.sh ROOT RELEASE
#
# Builds real kernel-module files under ROOT/lib/modules/RELEASE the way the
# kernel's build does, so libkmod reads them as it reads Debian's:
#
#   - a relocatable ELF object (gcc -c) with a .modinfo section of
#     "key=value\0" strings added by objcopy;
#   - signed as scripts/sign-file does: a detached PKCS#7 (CMS, no signed
#     attributes, no certificates, issuer and serial as signer id) of the
#     whole file, appended with the 12-byte struct module_signature
#     (id_type 2 = PKCS#7, sig_len big-endian) and the magic string
#     "~Module signature appended~\n";
#   - compressed after signing (xz, zstd), as the kernel does;
#
# then runs depmod -b to write modules.dep.bin, which libkmod uses to find a
# loaded module's file.  Needs gcc, objcopy, openssl, xz, zstd and depmod.
#
# The modules (names and signers are test data, not claims about any
# vendor's real modules):
#   kav4fs_oas.ko        out of tree, proprietary, signed by a test key whose
#                        CN is "AO Kaspersky Lab: kernel module signing key"
#   e1000e.ko.xz         in tree, GPL, signed by "Debian Secure Boot CA" test key
#   vboxdrv.ko.zst       out of tree, unsigned, two authors
#   broken.ko            not an ELF file at all
set -eu

root=$1
release=$2
moddir="$root/lib/modules/$release"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$moddir/kernel/drivers/net/ethernet/intel/e1000e" "$moddir/updates/dkms" "$moddir/extra"

# openssl's own configuration, so the host's openssl.cnf does not matter
printf '[req]\ndistinguished_name = dn\nprompt = no\n[dn]\nCN = unused\n' > "$work/openssl.cnf"
OPENSSL_CONF="$work/openssl.cnf"
export OPENSSL_CONF

# a self-signed X.509 certificate and key with the given CN and serial
make_key () {
  name=$1 cn=$2 serial=$3
  openssl req -config "$work/openssl.cnf" -new -x509 -newkey rsa:2048 -nodes -batch \
    -days 36500 -set_serial "$serial" -subj "/O=phaseout test/CN=$cn" \
    -keyout "$work/$name.key" -out "$work/$name.crt" 2>/dev/null
}

# make_module OUT NAME  (then .modinfo strings as further arguments)
make_module () {
  out=$1 name=$2
  shift 2
  printf 'int %s_init (void) { return 0; }\nint %s_data = 42;\n' "$name" "$name" > "$work/$name.c"
  gcc -c -O0 -o "$work/$name.o" "$work/$name.c"
  : > "$work/$name.modinfo"
  for entry in "$@" "name=$name" "depends="; do
    printf '%s\000' "$entry" >> "$work/$name.modinfo"
  done
  objcopy --add-section .modinfo="$work/$name.modinfo" \
          --set-section-flags .modinfo=alloc,readonly,contents \
          "$work/$name.o" "$out"
}

# the big-endian 32-bit length as 4 raw bytes
be32 () {
  n=$1
  printf "\\$(printf %03o $(( (n >> 24) & 255 )))"
  printf "\\$(printf %03o $(( (n >> 16) & 255 )))"
  printf "\\$(printf %03o $(( (n >> 8) & 255 )))"
  printf "\\$(printf %03o $(( n & 255 )))"
}

# sign_module FILE KEYNAME  (in place, as sign-file does)
sign_module () {
  file=$1 key=$2
  openssl cms -sign -in "$file" -signer "$work/$key.crt" -inkey "$work/$key.key" \
    -md sha256 -binary -noattr -nocerts -outform DER -out "$work/sig.p7s"
  siglen=$(wc -c < "$work/sig.p7s")
  cat "$work/sig.p7s" >> "$file"
  # struct module_signature: algo 0, hash 0, id_type 2 (PKCS#7), signer_len 0,
  # key_id_len 0, 3 bytes padding, sig_len (big endian)
  printf '\000\000\002\000\000\000\000\000' >> "$file"
  be32 "$siglen" >> "$file"
  printf '~Module signature appended~\n' >> "$file"
}

vermagic="$release SMP preempt mod_unload modversions "

make_key kaspersky "AO Kaspersky Lab: kernel module signing key" 0x4b4c
make_key debian "Debian Secure Boot CA" 0x2f1c

make_module "$moddir/extra/kav4fs_oas.ko" kav4fs_oas \
  "version=8.0.4.312" "license=Proprietary" "author=Kaspersky Lab" \
  "description=Kaspersky Anti-Virus on-access scanner" \
  "srcversion=3A1F6C0E9B2D4F5A6B7C8D9" "vermagic=$vermagic"
sign_module "$moddir/extra/kav4fs_oas.ko" kaspersky

make_module "$work/e1000e.ko" e1000e \
  "license=GPL v2" "description=Intel(R) PRO/1000 Network Driver" \
  "author=Intel Corporation, <linux.nics@intel.com>" \
  "srcversion=8F2B7E1C4D3A9E0F1B2C3D4" "intree=Y" "retpoline=Y" "vermagic=$vermagic"
sign_module "$work/e1000e.ko" debian
xz --check=crc32 -c "$work/e1000e.ko" > "$moddir/kernel/drivers/net/ethernet/intel/e1000e/e1000e.ko.xz"

make_module "$work/vboxdrv.ko" vboxdrv \
  "version=7.0.14 r161095 (0x00330004)" "license=GPL" \
  "author=Oracle and/or its affiliates" "author=Second Author <second@example.org>" \
  "description=Oracle VM VirtualBox Support Driver" \
  "srcversion=C0FFEE00112233445566778" "vermagic=$vermagic"
zstd -q -c "$work/vboxdrv.ko" > "$moddir/updates/dkms/vboxdrv.ko.zst"

printf 'this is not an ELF file\n\000\001\002' > "$moddir/extra/broken.ko"

# depmod warns about the broken module and the missing modules.order; both on purpose
depmod -b "$root" "$release" 2>/dev/null
