# SPDX-License-Identifier: Apache-2.0
#
# The ready-made exports of fleet/export/: for every organisation profile
# fleet/export/NAME.conf, what `phaseout export` writes for it:
#
#   NAME.osquery.json   export pack (an osquery configuration, one pack per platform)
#   NAME-queries.yml    export fleet-queries (fleetctl apply -f)
#   NAME.queries.yml    export fleet-queries --format gitops-lib (a GitOps lib/ file)
#
# Run in script mode:
#   cmake -DPHASEOUT=build/cli/phaseout -DEXPORT_DIR=fleet/export -DWORK_DIR=DIR
#         -DMODE=check|update -P cmake/fleet-exports.cmake
# check fails, naming the files, when a committed file is not what the
# export writes today; update writes them.  Only the built-in catalogue is
# exported (an empty --policy-dir), so the files do not depend on the
# machine that writes them.
cmake_minimum_required(VERSION 3.20)

foreach(var PHASEOUT EXPORT_DIR WORK_DIR MODE)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "fleet-exports.cmake: -D${var}=... is required")
  endif()
endforeach()

file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}/policies.d")
file(GLOB profiles "${EXPORT_DIR}/*.conf")
if(NOT profiles)
  message(FATAL_ERROR "no profile (*.conf) in ${EXPORT_DIR}")
endif()

set(stale "")
foreach(profile IN LISTS profiles)
  get_filename_component(name "${profile}" NAME_WE)
  # phaseout refuses a group- or world-writable profile, which a checkout
  # under umask 002 would be: read a private copy
  file(COPY "${profile}" DESTINATION "${WORK_DIR}"
       FILE_PERMISSIONS OWNER_READ OWNER_WRITE)
  set(config "${WORK_DIR}/${name}.conf")
  set(common --config "${config}" --policy-dir "${WORK_DIR}/policies.d")
  set(outputs
    "${name}.osquery.json|pack"
    "${name}-queries.yml|fleet-queries"
    "${name}.queries.yml|fleet-queries|--format|gitops-lib")
  foreach(output IN LISTS outputs)
    string(REPLACE "|" ";" parts "${output}")
    list(POP_FRONT parts file)
    string(REPLACE ";" " " shown "${parts}")
    execute_process(
      COMMAND "${PHASEOUT}" export ${parts} ${common} --output "${WORK_DIR}/${file}"
      RESULT_VARIABLE status
      ERROR_VARIABLE err)
    if(NOT status EQUAL 0)
      message(FATAL_ERROR "phaseout export ${shown} for ${name} failed (${status}): ${err}")
    endif()
    if(MODE STREQUAL "update")
      file(COPY_FILE "${WORK_DIR}/${file}" "${EXPORT_DIR}/${file}")
      message(STATUS "wrote ${EXPORT_DIR}/${file}")
    else()
      execute_process(
        COMMAND "${CMAKE_COMMAND}" -E compare_files "${WORK_DIR}/${file}" "${EXPORT_DIR}/${file}"
        RESULT_VARIABLE differs)
      if(NOT differs EQUAL 0)
        list(APPEND stale "${file}")
      endif()
    endif()
  endforeach()
endforeach()

if(stale)
  string(REPLACE ";" ", " stale "${stale}")
  message(FATAL_ERROR
    "fleet/export/ is not what `phaseout export` writes today: ${stale}. "
    "Regenerate with: cmake --build --preset default --target fleet-exports")
endif()
