#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Keeps phaseout(1) true to the program: every command `phaseout --help`
# lists and every option `phaseout COMMAND --help-all` prints must be in the
# man page, and every command and option the man page describes must exist.
#
#   tests/packaging/check-manpage.sh PHASEOUT_BINARY MAN_PAGE
#
# MAN_PAGE may be gzipped.  Prints one line per problem; exit 0 when none.
set -eu

if [ $# -ne 2 ]; then
  echo "usage: $0 PHASEOUT_BINARY MAN_PAGE" >&2
  exit 2
fi
bin=$1
man=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

case "$man" in
  *.gz) gzip -dc "$man" > "$tmp/man" ;;
  *) cat "$man" > "$tmp/man" ;;
esac

problems=0
problem () {
  echo "check-manpage: $*"
  problems=$((problems + 1))
}

# commands: the first word of each indented line after "Commands:"
"$bin" --help > "$tmp/help"
sed -n '/^Commands:/,/^$/p' "$tmp/help" | awk '/^  [a-z]/ { print $1 }' > "$tmp/commands"
[ -s "$tmp/commands" ] || problem "no commands found in '$bin --help'"

# options: the long options each command's --help-all prints (a command
# without options, like `tables`, prints its output instead of a usage)
: > "$tmp/options"
printf '%s\n' help version >> "$tmp/options"
while read -r command; do
  "$bin" "$command" --help-all > "$tmp/cmd-help" 2>&1 || true
  if head -n 1 "$tmp/cmd-help" | grep -q '^Usage:'; then
    sed -n 's/^ *\(-[A-Za-z], \)\{0,1\}--\([a-z][a-z-]*\).*/\2/p' "$tmp/cmd-help" >> "$tmp/options"
  fi
done < "$tmp/commands"
sort -u -o "$tmp/options" "$tmp/options"

# the man page's own words: commands are the first word after .B in the
# top-level .TP entries of the COMMANDS section (not those of an .RS block);
# options are every \-\-name
sed -n '/^\.SH COMMANDS/,/^\.SH /p' "$tmp/man" \
  | awk '$1 == ".RS" { depth++ } $1 == ".RE" { depth-- }
         depth == 0 && prev == ".TP" && $1 == ".B" { print $2 } { prev = $1 }' \
  | sort -u > "$tmp/man-commands"
sed 's/\\-/-/g' "$tmp/man" | grep -o -e '--[a-z][a-z-]*' | sed 's/^--//' | sort -u > "$tmp/man-options"

while read -r command; do
  grep -qx "$command" "$tmp/man-commands" || problem "command '$command' (in --help) is not described in COMMANDS"
done < "$tmp/commands"
while read -r command; do
  grep -qx "$command" "$tmp/commands" || problem "command '$command' is in the man page but not in '$bin --help'"
done < "$tmp/man-commands"
while read -r option; do
  grep -qx "$option" "$tmp/man-options" || problem "option --$option (in --help-all) is not in the man page"
done < "$tmp/options"
while read -r option; do
  grep -qx "$option" "$tmp/options" || problem "option --$option is in the man page but no command takes it"
done < "$tmp/man-options"

# the page must format without groff warnings
if command -v groff >/dev/null 2>&1; then
  groff -man -Tutf8 -ww -z "$tmp/man" > "$tmp/groff" 2>&1 || true
  if [ -s "$tmp/groff" ]; then
    problem "groff warns: $(head -n 3 "$tmp/groff" | tr '\n' ' ')"
  fi
fi

[ "$problems" -eq 0 ]
