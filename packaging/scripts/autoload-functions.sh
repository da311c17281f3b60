# Shared by the deb and rpm maintainer scripts (packaging/CMakeLists.txt
# pastes this file into each of them, so they need nothing from the package
# at run time: postrm runs after the files are gone).  POSIX sh with sed,
# grep and coreutils (essential on Debian), and awk (de facto essential:
# lintian rejects a dependency on it; part of every RPM system's base).
#
# osqueryd reads /etc/osquery/extensions.load once, at start: one path per
# line, trimmed; empty lines and lines starting with '#' or ';' are skipped;
# a directory loads every *.ext below it (docs/dev/osquery-extension-protocol.md §6.6).
#
#   active    a line names phaseout.ext (or its directory): it is autoloaded
#   disabled  only a commented-out line names it: the administrator switched
#             autoloading off, and upgrades and reinstalls respect that
#   absent    no line names it

PHASEOUT_EXT='@PHASEOUT_EXTENSION_PATH@'
PHASEOUT_AUTOLOAD="${PHASEOUT_AUTOLOAD:-/etc/osquery/extensions.load}"

phaseout_autoload_file ()
{
  # edit the file a symbolic link points at, never replace the link
  if [ -L "$PHASEOUT_AUTOLOAD" ]; then
    readlink -f "$PHASEOUT_AUTOLOAD"
  else
    printf '%s\n' "$PHASEOUT_AUTOLOAD"
  fi
}

phaseout_autoload_state ()
{
  _file=$(phaseout_autoload_file)
  if [ ! -f "$_file" ]; then
    echo absent
    return 0
  fi
  awk -v ext="$PHASEOUT_EXT" -v dir="${PHASEOUT_EXT%/*}" '
    {
      line = $0
      gsub(/^[ \t\r]+|[ \t\r]+$/, "", line)
      commented = 0
      if (line ~ /^[#;]/) {
        commented = 1
        sub(/^[#;]+[ \t]*/, "", line)
      }
      if (line != "/")
        sub(/\/+$/, "", line)
      if (line == ext || line == dir) {
        if (commented) disabled = 1; else active = 1
      }
    }
    END { print active ? "active" : (disabled ? "disabled" : "absent") }' "$_file"
}

# Adds the extension's line unless a line (active or commented out) names it.
phaseout_autoload_add ()
{
  _state=$(phaseout_autoload_state)
  case "$_state" in
    active)
      return 0 ;;
    disabled)
      echo "phaseout: $PHASEOUT_AUTOLOAD lists $PHASEOUT_EXT commented out; leaving autoloading off" >&2
      return 0 ;;
  esac
  _file=$(phaseout_autoload_file)
  _dir=${_file%/*}
  [ -d "$_dir" ] || ( umask 022; mkdir -p "$_dir" )
  (
    umask 022
    # a last line without its newline must not swallow ours
    if [ -s "$_file" ] && [ -n "$(tail -c 1 "$_file")" ]; then
      printf '\n' >> "$_file"
    fi
    printf '%s\n' "$PHASEOUT_EXT" >> "$_file"
  )
}

# Removes the lines naming the extension itself (a directory line is the
# administrator's).  $1 = "all" also removes commented-out ones (purge).
# A file left empty is removed, and so is its directory if it is then empty
# and no package owns it (phaseout_path_is_packaged, defined per format).
phaseout_autoload_remove ()
{
  _file=$(phaseout_autoload_file)
  [ -f "$_file" ] || return 0
  _tmp="$_file.phaseout-tmp"
  awk -v ext="$PHASEOUT_EXT" -v all="${1:-}" '
    {
      line = $0
      gsub(/^[ \t\r]+|[ \t\r]+$/, "", line)
      commented = 0
      if (line ~ /^[#;]/) {
        commented = 1
        sub(/^[#;]+[ \t]*/, "", line)
      }
      if (line == ext && (!commented || all == "all"))
        next
      print
    }' "$_file" > "$_tmp"
  if cmp -s "$_tmp" "$_file"; then
    rm -f "$_tmp"
    return 0
  fi
  # rewritten in place: owner, mode, SELinux label and links stay as they were
  cat "$_tmp" > "$_file"
  rm -f "$_tmp"
  if [ ! -s "$_file" ]; then
    rm -f "$_file"
    _dir=${_file%/*}
    if [ -z "$(ls -A "$_dir" 2>/dev/null)" ] && ! phaseout_path_is_packaged "$_dir"; then
      rmdir "$_dir" 2>/dev/null || true
    fi
  fi
  return 0
}
