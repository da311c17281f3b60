# RPM specifics for the shared functions (pasted after autoload-functions.sh).

# rpm's database is locked during a transaction: never leave a directory
# behind on the strength of a query, just keep it
phaseout_path_is_packaged ()
{
  return 0
}

# see deb-common.sh; RPM systems have no policy-rc.d
phaseout_restart_osqueryd ()
{
  [ "${PHASEOUT_NO_OSQUERYD_RESTART:-0}" = 1 ] && return 0
  [ -d /run/systemd/system ] || return 0
  if systemctl cat osqueryd.service >/dev/null 2>&1; then
    systemctl try-restart osqueryd.service \
      || echo "phaseout: could not restart osqueryd.service; restart it to apply $PHASEOUT_AUTOLOAD" >&2
  fi
  return 0
}
