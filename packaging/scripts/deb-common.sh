# Debian specifics for the shared functions (pasted after autoload-functions.sh).

# is a path in some installed package's file list?
phaseout_path_is_packaged ()
{
  dpkg-query -S "$1" >/dev/null 2>&1
}

# osqueryd reads the autoload file only when it starts: restart a running
# osqueryd.service so the change takes effect, through deb-systemd-invoke so
# that policy-rc.d (image builds, containers) is honoured.  Administrators
# who restart osqueryd themselves set PHASEOUT_NO_OSQUERYD_RESTART=1.
phaseout_restart_osqueryd ()
{
  [ "${PHASEOUT_NO_OSQUERYD_RESTART:-0}" = 1 ] && return 0
  [ -d /run/systemd/system ] || return 0
  command -v deb-systemd-invoke >/dev/null 2>&1 || return 0
  for _unit_dir in /etc/systemd/system /run/systemd/system /usr/lib/systemd/system /lib/systemd/system; do
    if [ -e "$_unit_dir/osqueryd.service" ]; then
      deb-systemd-invoke try-restart osqueryd.service \
        || echo "phaseout: could not restart osqueryd.service; restart it to apply $PHASEOUT_AUTOLOAD" >&2
      return 0
    fi
  done
}
