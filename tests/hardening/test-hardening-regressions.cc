/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One test per bug the fuzz targets (tests/fuzz/) found, at the level it
 * was fixed.  The input that found it is also kept in
 * tests/fuzz/regressions/<target>/ and replayed by fuzz-replay-<target>;
 * these tests say what was wrong in words and fail on a build without the
 * fix even where no sanitizer runs.
 */
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>

#include "po-test-shim.h"
#include "po-ext-handler.h"
#include "po-ext-protocol.h"
#include "po-ext-transport.h"
#include "po-test-wire.h"
#include "po-inventory-private.h"
#include "po-json-strict.h"

namespace {

using po_test::be32;
using po_test::tstr;

std::string
message (guint32 type, const std::string &name, guint32 seqid)
{
  return be32 (0x80010000 | type) + be32 ((guint32) name.size ()) + name + be32 (seqid);
}

/*
 * fuzz-query-context: json-glib 1.6 recurses once per nesting level with no
 * limit, so a context of a few hundred KB of "[" overflowed the stack of
 * the worker serving the connection and killed phaseout.ext.
 */
TEST (FuzzRegression, DeeplyNestedQueryContextIsRefusedNotRecursed)
{
  const gsize depth = 1000000;
  std::string json = "{\"constraints\":" + std::string (depth, '[') + std::string (depth, ']')
                     + "}";
  GError *raw = NULL;
  PoQueryContext *context = po_query_context_new_from_json (&po_schema_phaseout_info, json.c_str (),
                                                            &raw);
  po_test::ErrorPtr error (raw);
  EXPECT_EQ (context, nullptr);
  ASSERT_NE (error, nullptr);
  EXPECT_TRUE (g_error_matches (error.get (), PO_ERROR, PO_ERROR_INVALID_DATA)) << error->message;
  EXPECT_NE (strstr (error->message, "nested too deeply"), nullptr) << error->message;
  po_query_context_free (context);
}

/* what osqueryd sends still parses */
TEST (FuzzRegression, OsquerydContextsStillParse)
{
  GError *raw = NULL;
  PoQueryContext *context = po_query_context_new_from_json (
    &po_schema_phaseout_info,
    "{\"constraints\":[{\"name\":\"pid\",\"list\":[{\"op\":2,\"expr\":\"1\"}],"
    "\"affinity\":\"BIGINT\"}],\"colsUsed\":[\"pid\"],\"colsUsedBitset\":2}",
    &raw);
  po_test::ErrorPtr error (raw);
  ASSERT_NE (context, nullptr) << error->message;
  po_query_context_free (context);
}

/*
 * fuzz-query-context: a constraint whose "name" was an array or an object
 * tripped a g_return_val_if_fail() in json-glib (a critical warning per
 * request; fatal under G_DEBUG=fatal-criticals).  It is the "no column
 * name" error it always meant to be, with no critical on the way.
 */
TEST (FuzzRegression, NonStringColumnNameIsAnErrorNotACritical)
{
  for (const char *json : { "{\"constraints\":[{\"name\":[{\"ex\":\"1\"}]}]}",
                            "{\"constraints\":[{\"name\":{\"a\":1},\"list\":[]}]}",
                            "{\"constraints\":[{\"name\":7,\"list\":[]}]}",
                            "{\"constraints\":[{\"name\":null,\"list\":[]}]}" })
    {
      GLogLevelFlags old = g_log_set_always_fatal (
        (GLogLevelFlags) (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING | G_LOG_LEVEL_ERROR));
      GError *raw = NULL;
      PoQueryContext *context = po_query_context_new_from_json (&po_schema_phaseout_info, json,
                                                                &raw);
      g_log_set_always_fatal (old);
      po_test::ErrorPtr error (raw);
      EXPECT_EQ (context, nullptr) << json;
      ASSERT_NE (error, nullptr) << json;
      EXPECT_NE (strstr (error->message, "no column name"), nullptr) << error->message;
    }
}

/* a server-side protocol over one end of a socketpair */
struct ServerWire {
  ServerWire ()
  {
    int fds[2];
    EXPECT_EQ (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
    transport = po_socket_transport_new (fds[0], 5000, 64 * 1024 * 1024);
    protocol = po_bounded_protocol_new (THRIFT_TRANSPORT (transport));
    po_bounded_protocol_set_server_methods (protocol, po_ext_handler_methods);
    peer = fds[1];
  }
  ~ServerWire ()
  {
    g_object_unref (protocol);
    g_object_unref (transport);
    close (peer);
  }
  /* read_message_begin on bytes; the error, if it failed */
  po_test::ErrorPtr
  ReadHeader (const std::string &bytes, std::string *ret_name = nullptr)
  {
    EXPECT_EQ (write (peer, bytes.data (), bytes.size ()), (ssize_t) bytes.size ());
    gchar *name = NULL;
    ThriftMessageType type;
    gint32 seqid;
    GError *error = NULL;
    gint32 n = thrift_protocol_read_message_begin (THRIFT_PROTOCOL (protocol), &name, &type, &seqid,
                                                   &error);
    if (n < 0)
      EXPECT_EQ (name, nullptr) << "a refused header must not hand out a name to leak";
    else if (ret_name != nullptr)
      *ret_name = name;
    g_free (name);
    return po_test::ErrorPtr (error);
  }

  PoSocketTransport *transport;
  PoBoundedProtocol *protocol;
  int peer;
};

/*
 * fuzz-thrift: c_glib 0.17's dispatcher leaks the method name of a message
 * that is not a call, and for a call to an unknown method leaks the name
 * and the exception it answers with, on a connection that stays open: with
 * 16 MiB names a peer could exhaust memory.  The server's protocol now
 * refuses both before the dispatcher sees them.
 */
TEST (FuzzRegression, ServerRefusesRepliesAndUnknownMethodsBeforeDispatch)
{
  {
    ServerWire wire;
    std::string name;
    EXPECT_EQ (wire.ReadHeader (message (T_CALL, "ping", 1), &name), nullptr);
    EXPECT_EQ (name, "ping");
  }
  for (guint32 type : { (guint32) T_REPLY, (guint32) T_EXCEPTION, 0u, 5u, 0xffu })
    {
      ServerWire wire;
      auto error = wire.ReadHeader (message (type, "ping", 1));
      ASSERT_NE (error, nullptr) << "type " << type;
      EXPECT_TRUE (
        g_error_matches (error.get (), THRIFT_PROTOCOL_ERROR, THRIFT_PROTOCOL_ERROR_INVALID_DATA));
    }
  {
    ServerWire wire;
    auto error = wire.ReadHeader (message (T_CALL, "shudon", 7));
    ASSERT_NE (error, nullptr);
  }
  {
    /* the old non-strict header goes through the same check */
    ServerWire wire;
    auto error = wire.ReadHeader (be32 (4) + "nope" + std::string ("\x01", 1) + be32 (1));
    ASSERT_NE (error, nullptr);
  }
}

/*
 * fuzz-thrift under LeakSanitizer: the generated map readers returned on a
 * failed value read without freeing the key just read, so a call whose
 * request map was cut after a key leaked the key (up to 16 MiB) per
 * connection.  cmake/patch-thrift-c-glib.cmake mends them; the leak itself
 * shows under the sanitizer preset (fuzz-replay-thrift) and valgrind
 * (test-hardening-memcheck), this checks the mended readers still read.
 */
TEST (FuzzRegression, CallArgsWithACutRequestMapFailCleanly)
{
  std::string args = std::string ("\x0b\x00\x01", 3) + tstr ("table")
                     + std::string ("\x0b\x00\x02", 3) + tstr ("phaseout_info")
                     + std::string ("\x0d\x00\x03\x0b\x0b", 5) + be32 (2) + tstr ("action")
                     + tstr ("generate") + tstr ("context") + tstr ("{}") + std::string ("\x00", 1);
  /* the second cut: the stop byte, "{}" and half its length go */
  for (gsize cut : { args.size (), args.size () - 1 - 2 - 2 })
    {
      ServerWire wire;
      std::string bytes = args.substr (0, cut);
      ASSERT_EQ (write (wire.peer, bytes.data (), bytes.size ()), (ssize_t) bytes.size ());
      shutdown (wire.peer, SHUT_WR);
      auto *call_args = (OsqueryExtensionCallArgs *) g_object_new (OSQUERY_TYPE_EXTENSION_CALL_ARGS,
                                                                   NULL);
      GError *raw = NULL;
      gint32 n = thrift_struct_read (THRIFT_STRUCT (call_args), THRIFT_PROTOCOL (wire.protocol),
                                     &raw);
      po_test::ErrorPtr error (raw);
      if (cut == args.size ())
        {
          EXPECT_GT (n, 0) << (error ? error->message : "");
          EXPECT_STREQ (call_args->item, "phaseout_info");
          ASSERT_NE (call_args->request, nullptr);
          EXPECT_EQ (g_hash_table_size (call_args->request), 2u);
          EXPECT_STREQ ((const char *) g_hash_table_lookup (call_args->request, "context"), "{}");
        }
      else
        {
          /* cut inside the second value: "context" was read, its value was not */
          EXPECT_LT (n, 0);
          EXPECT_NE (error, nullptr);
          EXPECT_EQ (g_hash_table_lookup (call_args->request, "context"), nullptr);
        }
      g_object_unref (call_args);
    }
}

/*
 * fuzz-thrift under ASan: c_glib 0.17's thrift_protocol_skip() frees what
 * read_binary returns whether it failed or not; a call with an unknown
 * string field whose declared size is refused left the pointer unset, so
 * skip() freed whatever was on the stack (a bad free, an abort in a gcc
 * build when the garbage is not NULL).  The outputs are now always set.
 */
TEST (FuzzRegression, RefusedStringsLeaveNoPointerToFree)
{
  {
    ServerWire wire;
    std::string bytes = be32 (0x462d3874); /* 1.1 GB declared */
    ASSERT_EQ (write (wire.peer, bytes.data (), bytes.size ()), (ssize_t) bytes.size ());
    gpointer data = GINT_TO_POINTER (0x1); /* what an uninitialised pointer might hold */
    guint32 length = 77;
    GError *raw = NULL;
    EXPECT_LT (thrift_protocol_read_binary (THRIFT_PROTOCOL (wire.protocol), &data, &length, &raw),
               0);
    po_test::ErrorPtr error (raw);
    EXPECT_EQ (data, nullptr);
    EXPECT_EQ (length, 0u);
  }
  {
    ServerWire wire;
    std::string bytes = be32 (0xfffffff0); /* negative */
    ASSERT_EQ (write (wire.peer, bytes.data (), bytes.size ()), (ssize_t) bytes.size ());
    gchar *str = (gchar *) GINT_TO_POINTER (0x1);
    GError *raw = NULL;
    EXPECT_LT (thrift_protocol_read_string (THRIFT_PROTOCOL (wire.protocol), &str, &raw), 0);
    po_test::ErrorPtr error (raw);
    EXPECT_EQ (str, nullptr);
  }
  {
    /* and skip() over such a field fails without freeing anything it should not */
    ServerWire wire;
    std::string bytes = be32 (0x462d3874) + "F-8t";
    ASSERT_EQ (write (wire.peer, bytes.data (), bytes.size ()), (ssize_t) bytes.size ());
    GError *raw = NULL;
    EXPECT_LT (thrift_protocol_skip (THRIFT_PROTOCOL (wire.protocol), T_STRING, &raw), 0);
    po_test::ErrorPtr error (raw);
  }
}

/* a client-side protocol (the manager connection) still reads replies */
TEST (FuzzRegression, ClientProtocolStillReadsReplies)
{
  int fds[2];
  ASSERT_EQ (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
  PoSocketTransport *transport = po_socket_transport_new (fds[0], 5000, 1024 * 1024);
  PoBoundedProtocol *protocol = po_bounded_protocol_new (THRIFT_TRANSPORT (transport));
  for (guint32 type : { (guint32) T_REPLY, (guint32) T_EXCEPTION })
    {
      std::string bytes = message (type, "extensions", 3);
      ASSERT_EQ (write (fds[1], bytes.data (), bytes.size ()), (ssize_t) bytes.size ());
      gchar *name = NULL;
      ThriftMessageType read_type;
      gint32 seqid;
      GError *error = NULL;
      EXPECT_GT (thrift_protocol_read_message_begin (THRIFT_PROTOCOL (protocol), &name, &read_type,
                                                     &seqid, &error),
                 0);
      EXPECT_EQ (error, nullptr);
      EXPECT_EQ ((guint32) read_type, type);
      g_free (name);
      g_clear_error (&error);
    }
  g_object_unref (protocol);
  g_object_unref (transport);
  close (fds[1]);
}

/*
 * fuzz-query-context: json-glib decodes a lone surrogate escape ("\ud800")
 * into bytes that are not UTF-8; an error naming such a column (or json-glib
 * quoting such a token) went back to osqueryd as the call's status message.
 * The one place an error becomes a status now makes it valid, whatever
 * the error quotes (and the strict check refuses lone surrogates, below).
 */
TEST (FuzzRegression, StatusMessageIsValidUtf8WhatTheErrorQuotes)
{
  auto *status = (OsqueryExtensionStatus *) g_object_new (OSQUERY_TYPE_EXTENSION_STATUS, NULL);
  GError *bytes = g_error_new_literal (
    PO_ERROR, PO_ERROR_INVALID_DATA, "query context: constraint 0 on \xed\xa0\x80 has no valid op");
  po_ext_status_set_error (status, 7, bytes);
  EXPECT_EQ (status->code, 1);
  EXPECT_EQ (status->uuid, 7);
  EXPECT_TRUE (g_utf8_validate (status->message, -1, NULL)) << status->message;
  EXPECT_NE (strstr (status->message, "constraint 0 on "), nullptr) << status->message;
  g_error_free (bytes);
  g_object_unref (status);
}

/*
 * fuzz-query-context under LeakSanitizer: json-glib 1.6 leaks a GString
 * when a high surrogate escape is followed by another escape that is not
 * its low half ("\ud800\u00e9"), and turns any lone surrogate into bytes
 * that are not UTF-8 (in a policy file's title, a context's column name).
 * The strict check in front of json-glib refuses unpaired surrogates.
 */
TEST (FuzzRegression, UnpairedSurrogateEscapesAreRefused)
{
  for (const char *text : { "\"\\ud800\"", "\"\\ud800\\u00e9\"", "\"\\udc00\"", "\"x\\ud800\"",
                            "\"\\ud800\\ud800\"", "\"\\uDBFF\\u0041\"" })
    {
      gchar *problem = NULL;
      EXPECT_FALSE (po_json_check_strict (text, strlen (text), &problem)) << text;
      EXPECT_NE (problem != NULL ? strstr (problem, "surrogate") : NULL, nullptr) << text;
      g_free (problem);
    }
  for (const char *text :
       { "\"\\ud83d\\ude00\"", "\"\\uDBFF\\uDFFF\"", "\"\\u00e9\\ud7ff\\ue000\"" })
    {
      gchar *problem = NULL;
      EXPECT_TRUE (po_json_check_strict (text, strlen (text), &problem)) << text << ": " << problem;
      g_free (problem);
    }

  GError *raw = NULL;
  PoQueryContext *context = po_query_context_new_from_json (
    &po_schema_phaseout_info,
    "{\"constraints\":[{\"name\":\"pid\",\"list\":[{\"op\":2,\"expr\":\"k\\ud800\\u00e9\"}]}]}",
    &raw);
  po_test::ErrorPtr error (raw);
  EXPECT_EQ (context, nullptr);
  ASSERT_NE (error, nullptr);
  EXPECT_TRUE (g_utf8_validate (error->message, -1, NULL));
  EXPECT_NE (strstr (error->message, "surrogate"), nullptr) << error->message;
}

/*
 * fuzz-dpkg-status: the Status field's want and flag words were kept as
 * bytes, so "i\x91stall ok installed" gave a package whose status was not
 * UTF-8 (every other field goes through po_inventory_sanitize).
 */
TEST (FuzzRegression, DpkgStatusWordsAreSanitised)
{
  const std::string status = "Package: kesl\nStatus: i\x91stall ok\tinstalled\nVersion: 12.0\n\n";
  GPtrArray *packages = g_ptr_array_new_with_free_func ((GDestroyNotify) po_package_free);
  GHashTable *index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  po_inventory_parse_dpkg_status (status.data (), status.size (), "/var/lib/dpkg/status", packages,
                                  index, NULL);
  /* still found: a damaged want word must not hide the package */
  ASSERT_EQ (packages->len, 1u);
  auto *package = static_cast<PoPackage *> (packages->pdata[0]);
  EXPECT_STREQ (package->name, "kesl");
  EXPECT_TRUE (package->installed);
  EXPECT_TRUE (g_utf8_validate (package->status, -1, NULL)) << package->status;
  EXPECT_STREQ (package->status, "i\xef\xbf\xbdstall ok installed");
  g_hash_table_unref (index);
  g_ptr_array_unref (packages);
}

/*
 * fuzz-kmod: libkmod 30 (Debian's, built with assertions) aborts the whole
 * process on an ELF module file whose section-name table index is outside
 * its section table, one corrupted byte in a .ko.  A corrupt or
 * half-written module file now costs its row's modinfo (info_error), not
 * phaseout.ext.
 */
class KmodRegression : public ::testing::Test {
 protected:
  void
  SetUp () override
  {
    dir.write ("proc/sys/kernel/osrelease", "6.1.0-fuzz\n");
    dir.write ("proc/modules", "fuzzmod 16384 1 - Live 0x0000000000000000 (OE)\n");
    /* depmod's index of one module, extra/fuzzmod.ko (as tests/fuzz/fuzz-kmod.c) */
    static const guint8 dep_bin[] = { 0xb0, 0x07, 0xf4, 0x57, 0x00, 0x02, 0x00, 0x01, 0x20,
                                      0x00, 0x00, 0x2d, 0x75, 0x7a, 0x7a, 0x6d, 0x6f, 0x64,
                                      0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
                                      0x65, 0x78, 0x74, 0x72, 0x61, 0x2f, 0x66, 0x75, 0x7a,
                                      0x7a, 0x6d, 0x6f, 0x64, 0x2e, 0x6b, 0x6f, 0x3a, 0x00,
                                      0x66, 0x66, 0xc0, 0x00, 0x00, 0x0c };
    dir.write ("lib/modules/6.1.0-fuzz/modules.dep.bin",
               std::string ((const char *) dep_bin, sizeof dep_bin));
  }

  /* the collector over a module file of these bytes: fuzzmod's row */
  PoKernelModule *
  Collect (const std::string &module_bytes)
  {
    dir.write ("lib/modules/6.1.0-fuzz/extra/fuzzmod.ko", module_bytes);
    auto runtime = po_test::make_runtime ({ { "root", dir.path () } });
    modules.reset (po_inventory_collect_kernel_modules (inventory_of (runtime), NULL));
    for (guint i = 0; i < modules->len; i++)
      if (g_strcmp0 (static_cast<PoKernelModule *> (modules->pdata[i])->name, "fuzzmod") == 0)
        return static_cast<PoKernelModule *> (modules->pdata[i]);
    return nullptr;
  }

  /*
   * a minimal 64-bit little-endian relocatable ELF: sections null,
   * .modinfo, .shstrtab; modinfo_at_end: .modinfo empty and starting at the
   * very end of the file
   */
  static std::string
  Elf (guint16 shstrndx, bool modinfo_at_end = false)
  {
    auto put = [] (std::string &s, gsize at, guint64 value, gsize size) {
      for (gsize i = 0; i < size; i++)
        s[at + i] = (char) (value >> (8 * i));
    };
    std::string modinfo ("version=1.0\0author=Fuzz\0", 24);
    std::string names ("\0.modinfo\0.shstrtab\0", 20);
    std::string out (64, '\0');
    out.replace (0, 4,
                 "\x7f"
                 "ELF");
    out[4] = 2; /* ELFCLASS64 */
    out[5] = 1; /* little endian */
    out[6] = 1;
    put (out, 0x10, 1, 2);  /* ET_REL */
    put (out, 0x12, 62, 2); /* EM_X86_64 */
    put (out, 0x14, 1, 4);
    guint64 modinfo_at = out.size ();
    out += modinfo;
    guint64 names_at = out.size ();
    out += names;
    guint64 shoff = out.size ();
    put (out, 0x28, shoff, 8);
    put (out, 0x34, 64, 2); /* e_ehsize */
    put (out, 0x3a, 64, 2); /* e_shentsize */
    put (out, 0x3c, 3, 2);  /* e_shnum */
    put (out, 0x3e, shstrndx, 2);
    std::string sections (3 * 64, '\0');
    guint64 end = shoff + sections.size ();
    auto section = [&] (int i, guint32 name, guint32 type, guint64 offset, guint64 size) {
      put (sections, i * 64 + 0x00, name, 4);
      put (sections, i * 64 + 0x04, type, 4);
      put (sections, i * 64 + 0x18, offset, 8);
      put (sections, i * 64 + 0x20, size, 8);
      put (sections, i * 64 + 0x30, 1, 8);
    };
    section (1, 1, 1, modinfo_at_end ? end : modinfo_at, modinfo_at_end ? 0 : modinfo.size ());
    section (2, 10, 3, names_at, names.size ());
    return out + sections;
  }

  po_test::TempDir dir;
  std::unique_ptr<GPtrArray, void (*) (GPtrArray *)> modules{ nullptr, [] (GPtrArray *a) {
                                                               if (a != nullptr)
                                                                 g_ptr_array_unref (a);
                                                             } };
};

TEST_F (KmodRegression, WellFormedModuleIsRead)
{
  PoKernelModule *module = Collect (Elf (2));
  ASSERT_NE (module, nullptr);
  EXPECT_EQ (module->info_error, nullptr) << module->info_error;
  EXPECT_STREQ (module->version, "1.0");
  EXPECT_STREQ (module->author, "Fuzz");
}

TEST_F (KmodRegression, SectionNameIndexOutOfRangeIsAnInfoErrorNotAnAbort)
{
  for (guint16 index : { (guint16) 0, (guint16) 3, (guint16) 0xff0b })
    {
      PoKernelModule *module = Collect (Elf (index));
      ASSERT_NE (module, nullptr) << index;
      EXPECT_TRUE (module->loaded);
      ASSERT_NE (module->info_error, nullptr) << index;
      EXPECT_NE (strstr (module->info_error, "malformed ELF"), nullptr) << module->info_error;
      EXPECT_EQ (module->version, nullptr);
    }
}

TEST_F (KmodRegression, SectionAtTheVeryEndIsAnInfoErrorNotAnAbort)
{
  PoKernelModule *module = Collect (Elf (2, true));
  ASSERT_NE (module, nullptr);
  ASSERT_NE (module->info_error, nullptr);
  EXPECT_NE (strstr (module->info_error, "end of the file"), nullptr) << module->info_error;
}
}  // namespace
