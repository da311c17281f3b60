# Debian specifics for the shared functions (pasted after autoload-functions.sh).

# is a path in some installed package's file list?
phaseout_path_is_packaged ()
{
  dpkg-query -S "$1" >/dev/null 2>&1
}

# osqueryd reads the autoload file only when it starts: restart a running
# osqueryd.service (osquery's package) or orbit.service (Fleet's fleetd,
# which runs osqueryd) so the change takes effect, through
# deb-systemd-invoke so that policy-rc.d (image builds, containers) is
# honoured; try-restart leaves a stopped unit stopped.  Administrators who
# restart osqueryd themselves set PHASEOUT_NO_OSQUERYD_RESTART=1.
phaseout_restart_osqueryd ()
{
  [ "${PHASEOUT_NO_OSQUERYD_RESTART:-0}" = 1 ] && return 0
  # the two PHASEOUT_TEST_ variables let tests/packaging/test-autoload.sh
  # run this without systemd
  [ -d "${PHASEOUT_TEST_SYSTEMD_RUN:-/run/systemd/system}" ] || return 0
  command -v deb-systemd-invoke >/dev/null 2>&1 || return 0
  for _unit in osqueryd.service orbit.service; do
    for _unit_dir in ${PHASEOUT_TEST_UNIT_DIRS:-/etc/systemd/system /run/systemd/system /usr/lib/systemd/system /lib/systemd/system}; do
      if [ -e "$_unit_dir/$_unit" ]; then
        deb-systemd-invoke try-restart "$_unit" \
          || echo "phaseout: could not restart $_unit; restart it to apply $PHASEOUT_AUTOLOAD" >&2
        break
      fi
    done
  done
  return 0
}
