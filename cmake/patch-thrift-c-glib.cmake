# SPDX-License-Identifier: Apache-2.0
#
# Mends two defects of the code `thrift --gen c_glib` 0.17 writes (both
# are in the current upstream generator too; see the Thrift c_glib notes):
#
#  1. The struct finalize functions do not chain up to ThriftStruct /
#     GObject, so every struct leaks (about 240 bytes per request).  Each
#     `<type>_finalize (GObject *object)` gets the chain-up as its last
#     statement.
#  2. Map writers take their key array from g_newa() inside the row loop,
#     so a reply's stack use grows with its row count (about 90,000 rows
#     overflow a default stack).  The array becomes a g_autofree heap
#     allocation scoped to the loop body.
#  3. Map readers return on a failed value read without freeing the key
#     they just read (and, for a struct value, the value): a request whose
#     map is cut after a key leaked that key, up to 16 MiB, per connection
#     (found by tests/fuzz/fuzz-thrift).  The key (and value) are freed.
#  4. The struct and interface get_type() functions register the type
#     behind a plain `if (type == 0)`, so two threads that first use a
#     type at once both register it: GLib refuses the second ("cannot
#     register existing type"), that caller gets 0 and the request fails.
#     The extension serves each connection on its own thread, so the
#     first concurrent `call`s after start-up met this.  The check becomes
#     g_once_init_enter()/g_once_init_leave(), as G_DEFINE_TYPE does.
#
# Usage: cmake -DINPUT=in.c -DOUTPUT=out.c -P patch-thrift-c-glib.cmake
# Fails loudly when a pattern no longer matches, so a new Thrift release
# cannot silently skip a fix.

file(READ "${INPUT}" code)

# 2. the key arrays
string(REGEX MATCHALL "[A-Za-z_]+ ?\\*+ ?\\*? keys;" key_decls "${code}")
string(REGEX REPLACE "([A-Za-z_]+ ?\\*+ ?\\*?) keys;" "g_autofree \\1 keys = NULL;" code "${code}")
string(REPLACE "keys = g_newa (" "keys = g_new (" code "${code}")
string(FIND "${code}" "g_newa" leftover)
if(NOT leftover EQUAL -1)
  message(FATAL_ERROR "${INPUT}: a g_newa() the patch does not know remains")
endif()

# 3. the map readers' key on a failed value read: valN is always read
#    right after keyM, M = N - 1.  (The matches stop short of the ';':
#    CMake lists are ';'-separated.)
string(REGEX MATCHALL "read_string \\(protocol, &val[0-9]+, error\\)\\) < 0\\)\n *return -1"
       string_reads "${code}")
string(REGEX MATCHALL "THRIFT_STRUCT \\(val[0-9]+\\), protocol, error\\)\\) < 0\\)\n *\\{\n *g_object_unref"
       struct_reads "${code}")
foreach(read IN LISTS string_reads struct_reads)
  string(REGEX MATCH "val([0-9]+)" unused "${read}")
  set(value "${CMAKE_MATCH_1}")
  math(EXPR key "${value} - 1")
  string(FIND "${code}" "key${key} = NULL;" key_string)
  string(FIND "${code}" "key${key} = g_new (" key_new)
  if(key_string EQUAL -1 AND key_new EQUAL -1)
    message(FATAL_ERROR "${INPUT}: val${value} is not read after a key${key}")
  endif()
  if(read MATCHES "g_object_unref$")
    string(REGEX REPLACE "g_object_unref$" "g_free (key${key}); g_object_unref" mended "${read}")
  else()
    # a bare `return -1` under the if: it becomes a block (the ';' that
    # followed stays, as an empty statement)
    string(REGEX REPLACE "return -1$" "{ g_free (key${key}); return -1; }" mended "${read}")
  endif()
  string(REPLACE "${read}" "${mended}" code "${code}")
endforeach()
list(LENGTH string_reads n_string_reads)
get_filename_component(name "${INPUT}" NAME)
if(name MATCHES "_types\\.c$" AND n_string_reads EQUAL 0)
  message(FATAL_ERROR "${INPUT}: no map reader found to mend")
endif()

# 1. the finalize chain-up (only the struct types use this signature;
#    the processors and clients already chain up)
string(REGEX MATCHALL "\n([a-z0-9_]+)_finalize \\(GObject \\*object\\)\n\\{" heads "${code}")
set(patched 0)
foreach(head IN LISTS heads)
  string(REGEX REPLACE "\n([a-z0-9_]+)_finalize.*" "\\1" type "${head}")
  string(FIND "${code}" "${head}" start)
  string(SUBSTRING "${code}" ${start} -1 rest)
  string(FIND "${rest}" "\n}\n" end)
  math(EXPR split "${start} + ${end}")
  string(SUBSTRING "${code}" 0 ${split} before)
  string(SUBSTRING "${code}" ${split} -1 after)
  set(code "${before}\n  G_OBJECT_CLASS (g_type_class_peek_parent (g_type_class_peek (${type}_get_type ())))->finalize (object);${after}")
  math(EXPR patched "${patched} + 1")
endforeach()

if(name MATCHES "_types\\.c$" AND patched EQUAL 0)
  message(FATAL_ERROR "${INPUT}: no struct finalize function found to chain up")
endif()

# 4. thread-safe type registration: three edits per get_type(), counted
#    (the matches stop short of the ';', as above)
string(REGEX MATCHALL "static GType type = 0" once_decls "${code}")
string(REGEX MATCHALL "if \\(type == 0\\) ?\n" once_checks "${code}")
string(REGEX MATCHALL "\n  }\n\n?  return type" once_ends "${code}")
list(LENGTH once_decls n_once_decls)
list(LENGTH once_checks n_once_checks)
list(LENGTH once_ends n_once_ends)
if(NOT n_once_decls EQUAL n_once_checks OR NOT n_once_decls EQUAL n_once_ends)
  message(FATAL_ERROR "${INPUT}: ${n_once_decls} get_type() functions, but ${n_once_checks} "
                      "checks and ${n_once_ends} ends the patch knows")
endif()
string(REPLACE "static GType type = 0;" "static gsize type_once = 0;\n  static GType type = 0;"
       code "${code}")
string(REGEX REPLACE "if \\(type == 0\\) ?\n" "if (g_once_init_enter (&type_once))\n"
       code "${code}")
string(REGEX REPLACE "\n  }\n(\n?)  return type;"
       "\n    g_once_init_leave (&type_once, 1);\n  }\n\\1  return type;" code "${code}")

file(WRITE "${OUTPUT}" "/* generated by thrift --gen c_glib, mended by cmake/patch-thrift-c-glib.cmake */\n#include <glib.h>\n${code}")
