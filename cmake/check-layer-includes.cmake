# SPDX-License-Identifier: Apache-2.0
#
# cmake -DSOURCE_DIR=<tree> -P cmake/check-layer-includes.cmake
#
# Every #include "..." in a layer's files (cmake/PhaseoutLayers.cmake) must
# name, by its bare file name, a header of the layer itself (public or
# private), a public header of a layer below it, or a header the build
# generates for one of those.  The compiler already refuses a header that is
# on no include path (tests/layering's probes show it); this catches what it
# cannot: a quoted include is looked up first next to the file that has it,
# so "catalogue/po-catalogue.h" in src/po-root.c, or "../private/x.h", would
# compile.  Exits non-zero, naming each offending line.
cmake_minimum_required(VERSION 3.25)

if(NOT SOURCE_DIR)
  message(FATAL_ERROR "check-layer-includes: pass -DSOURCE_DIR=<source tree>")
endif()
include(${SOURCE_DIR}/cmake/PhaseoutLayers.cmake)

# _po_dirs_of(<out> layer): every directory holding the layer's files
function(_po_dirs_of out layer)
  set(dirs ${PO_LAYER_${layer}_DIRS} ${PO_LAYER_${layer}_PUBLIC} ${PO_LAYER_${layer}_PRIVATE})
  list(REMOVE_DUPLICATES dirs)
  set(${out} ${dirs} PARENT_SCOPE)
endfunction()

# _po_headers_in(<out> dir...): the bare names of the headers in those directories
function(_po_headers_in out)
  set(names "")
  foreach(dir ${ARGN})
    file(GLOB headers ${SOURCE_DIR}/${dir}/*.h)
    foreach(header ${headers})
      get_filename_component(name ${header} NAME)
      list(APPEND names ${name})
    endforeach()
  endforeach()
  set(${out} ${names} PARENT_SCOPE)
endfunction()

# which layer's public header (or generated one) a name is, for the message
function(_po_owner_of out name)
  set(owner "")
  foreach(layer ${PO_LAYERS})
    _po_headers_in(headers ${PO_LAYER_${layer}_PUBLIC})
    _po_dirs_of(dirs ${layer})
    _po_headers_in(all ${dirs})
    if(name IN_LIST headers OR name IN_LIST PO_LAYER_${layer}_GENERATED)
      set(owner "a public header of ${layer}")
    elseif(name IN_LIST all)
      set(owner "a private header of ${layer}")
    endif()
    if(owner)
      break()
    endif()
  endforeach()
  if(NOT owner)
    set(owner "no layer's header")
  endif()
  set(${out} "${owner}" PARENT_SCOPE)
endfunction()

set(failures 0)
set(checked 0)
foreach(layer ${PO_LAYERS})
  _po_dirs_of(own_dirs ${layer})
  _po_headers_in(allowed ${own_dirs})
  list(APPEND allowed ${PO_LAYER_${layer}_GENERATED})
  foreach(below ${PO_LAYER_${layer}_BELOW})
    _po_headers_in(public ${PO_LAYER_${below}_PUBLIC})
    list(APPEND allowed ${public} ${PO_LAYER_${below}_GENERATED})
  endforeach()

  set(files "")
  foreach(dir ${own_dirs})
    file(GLOB found ${SOURCE_DIR}/${dir}/*.c ${SOURCE_DIR}/${dir}/*.h)
    list(APPEND files ${found})
  endforeach()
  list(REMOVE_DUPLICATES files)
  foreach(file ${files})
    file(STRINGS ${file} lines REGEX "^[ \t]*#[ \t]*include[ \t]*\"")
    file(RELATIVE_PATH shown ${SOURCE_DIR} ${file})
    foreach(line ${lines})
      string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*\"([^\"]*)\".*" "\\1" name "${line}")
      math(EXPR checked "${checked} + 1")
      if(name MATCHES "/")
        message("${shown}: #include \"${name}\": a layer names headers by file name only, "
                "never by a path (which would reach past the include path)")
        math(EXPR failures "${failures} + 1")
      elseif(NOT name IN_LIST allowed)
        _po_owner_of(owner ${name})
        string(REPLACE ";" ", " below "${PO_LAYER_${layer}_BELOW}")
        if(NOT below)
          set(below "no other layer")
        endif()
        message("${shown}: #include \"${name}\" is ${owner}, which ${layer} may not use "
                "(${layer} stands on: ${below})")
        math(EXPR failures "${failures} + 1")
      endif()
    endforeach()
  endforeach()
endforeach()

if(failures GREATER 0)
  message(FATAL_ERROR "check-layer-includes: ${failures} include(s) cross the layers "
                      "(docs/dev/layers.md)")
endif()
list(LENGTH PO_LAYERS n_layers)
message("check-layer-includes: ${checked} includes in ${n_layers} layers, each within its layer "
        "or below")
