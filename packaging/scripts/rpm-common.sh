# RPM specifics for the shared functions (pasted after autoload-functions.sh).

# rpm's database is locked during a transaction: never leave a directory
# behind on the strength of a query, just keep it
phaseout_path_is_packaged ()
{
  return 0
}

# see deb-common.sh (osqueryd.service, or fleetd's orbit.service); RPM
# systems have no policy-rc.d
phaseout_restart_osqueryd ()
{
  [ "${PHASEOUT_NO_OSQUERYD_RESTART:-0}" = 1 ] && return 0
  [ -d /run/systemd/system ] || return 0
  for _unit in osqueryd.service orbit.service; do
    if systemctl cat "$_unit" >/dev/null 2>&1; then
      systemctl try-restart "$_unit" \
        || echo "phaseout: could not restart $_unit; restart it to apply $PHASEOUT_AUTOLOAD" >&2
    fi
  done
  return 0
}
