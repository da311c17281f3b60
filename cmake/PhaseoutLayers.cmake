# SPDX-License-Identifier: Apache-2.0
#
# phaseout's layers, in one place.  docs/dev/layers.md says what lives in
# each and why the order is what it is.
#
# Each layer is one directory of sources and one static library
# (phaseout-<layer>), which links only the layers it DEPENDS on.  A
# layer's public headers are in its directory (fleet: include/), its
# private ones in private/ (fleet: the directory itself), seen by its own
# sources only.  So a header of a layer that is not below is on no include
# path, and including it fails the build:
#
#   tests/layering: for every layer, a probe of every layer it may not see
#   must fail to compile with the layer's own flags, and every
#   #include "po-..." in its files must name its own or a lower layer's
#   header (cmake/check-layer-includes.cmake, from the same table).
#
# This file is data only, so that the checks (cmake -P) read the very table
# the build uses.
#
#   po_layer(NAME DIRS dir... [PUBLIC dir] [PRIVATE dir] [PROBE header]
#            [GENERATED header...] [DEPENDS layer...])
#     DIRS     the directories whose sources and headers are the layer's
#              (relative to the source tree; not recursive)
#     PUBLIC   where its public headers are (default: the first of DIRS)
#     PRIVATE  where its private headers are (default: <first of DIRS>/private)
#     PROBE    a public header the probes include (none: nobody may include it)
#     TARGET   the target built from it (default: phaseout-<name>)
#     GENERATED headers the build writes for it (schemas, Thrift), which
#              its files and the layers above may include
#     DEPENDS  the layers directly below it that it uses
#
#   po_add_layer_library(NAME SOURCES... [LIBRARIES ...] [PRIVATE_LIBRARIES ...]
#                        [LOG_DOMAIN domain])
#     the layer's static library, linked to the layers it depends on

set(PO_LAYERS "")

macro(po_layer name)
  cmake_parse_arguments(_po_layer "" "PUBLIC;PRIVATE;PROBE;TARGET" "DIRS;DEPENDS;GENERATED"
                        ${ARGN})
  list(APPEND PO_LAYERS ${name})
  set(PO_LAYER_${name}_DIRS ${_po_layer_DIRS})
  list(GET _po_layer_DIRS 0 _po_layer_first)
  if(_po_layer_PUBLIC)
    set(PO_LAYER_${name}_PUBLIC ${_po_layer_PUBLIC})
  else()
    set(PO_LAYER_${name}_PUBLIC ${_po_layer_first})
  endif()
  if(_po_layer_PRIVATE)
    set(PO_LAYER_${name}_PRIVATE ${_po_layer_PRIVATE})
  else()
    set(PO_LAYER_${name}_PRIVATE ${_po_layer_first}/private)
  endif()
  set(PO_LAYER_${name}_PROBE "${_po_layer_PROBE}")
  if(_po_layer_TARGET)
    set(PO_LAYER_${name}_TARGET ${_po_layer_TARGET})
  else()
    set(PO_LAYER_${name}_TARGET phaseout-${name})
  endif()
  set(PO_LAYER_${name}_DEPENDS ${_po_layer_DEPENDS})
  set(PO_LAYER_${name}_GENERATED ${_po_layer_GENERATED})
endmacro()

# lowest first; a layer may depend only on layers declared before it
po_layer(base       DIRS src             PROBE po-root.h        GENERATED po-schemas.h)
po_layer(catalogue  DIRS src/catalogue   PROBE po-catalogue.h   DEPENDS base)
po_layer(inventory  DIRS src/inventory   PROBE po-inventory.h   DEPENDS base)
po_layer(state      DIRS src/state       PROBE po-state.h       DEPENDS base)
po_layer(compliance DIRS src/compliance  PROBE po-compliance.h  DEPENDS catalogue inventory state)
po_layer(runtime    DIRS src/runtime     PROBE po-runtime.h     DEPENDS compliance)
po_layer(tables     DIRS tables          PROBE po-table.h       DEPENDS runtime)
po_layer(engine     DIRS src/engine      PROBE po-engine.h      DEPENDS tables)
po_layer(export     DIRS src/export      PROBE po-export.h      DEPENDS compliance)
po_layer(fleet      DIRS src/fleet       PROBE po-fleet.h
                    PUBLIC src/fleet/include PRIVATE src/fleet DEPENDS base)
po_layer(extension  DIRS extension       PROBE po-ext-handler.h DEPENDS tables
                    GENERATED osquery_extension.h osquery_extension_manager.h
                              osquery_osquery_types.h)
po_layer(cli        DIRS cli             PROBE po-cli.h         DEPENDS engine export fleet)
po_layer(sqlite     DIRS sqlite                                 DEPENDS engine)
po_layer(tools      DIRS tools       TARGET po-schema-gen       DEPENDS base)

# PO_LAYER_<name>_BELOW: every layer name may use, itself excluded
foreach(_po_name ${PO_LAYERS})
  set(_po_below "")
  list(FIND PO_LAYERS ${_po_name} _po_index)
  foreach(_po_dep ${PO_LAYER_${_po_name}_DEPENDS})
    list(FIND PO_LAYERS ${_po_dep} _po_found)
    if(_po_found LESS 0 OR NOT _po_found LESS _po_index)
      message(FATAL_ERROR "layer ${_po_name} depends on ${_po_dep}, which is not declared before it")
    endif()
    list(APPEND _po_below ${_po_dep} ${PO_LAYER_${_po_dep}_BELOW})
  endforeach()
  list(REMOVE_DUPLICATES _po_below)
  set(PO_LAYER_${_po_name}_BELOW ${_po_below})
endforeach()

function(po_add_layer_library name)
  cmake_parse_arguments(_lib "" "LOG_DOMAIN" "SOURCES;LIBRARIES;PRIVATE_LIBRARIES" ${ARGN})
  set(target ${PO_LAYER_${name}_TARGET})
  add_library(${target} STATIC ${_lib_SOURCES})
  target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR}/${PO_LAYER_${name}_PUBLIC})
  if(EXISTS ${PROJECT_SOURCE_DIR}/${PO_LAYER_${name}_PRIVATE})
    target_include_directories(${target} PRIVATE ${PROJECT_SOURCE_DIR}/${PO_LAYER_${name}_PRIVATE})
  endif()
  foreach(dep ${PO_LAYER_${name}_DEPENDS})
    target_link_libraries(${target} PUBLIC ${PO_LAYER_${dep}_TARGET})
  endforeach()
  target_link_libraries(${target} PUBLIC ${_lib_LIBRARIES} PRIVATE ${_lib_PRIVATE_LIBRARIES})
  if(NOT _lib_LOG_DOMAIN)
    set(_lib_LOG_DOMAIN phaseout)
  endif()
  target_compile_definitions(${target} PRIVATE G_LOG_DOMAIN="${_lib_LOG_DOMAIN}")
endfunction()
