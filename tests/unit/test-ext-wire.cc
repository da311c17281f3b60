/* SPDX-License-Identifier: Apache-2.0 */
/*
 * phaseout.ext's Thrift layer without osqueryd: the transport and protocol
 * limits on crafted bytes, the mended generated code on a 200,000-row
 * reply, and the handler's answers to every kind of request.
 */
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

#include "po-test-shim.h"
#include "po-ext-handler.h"
#include "po-ext-protocol.h"
#include "po-ext-transport.h"
#include "po-test-wire.h"

namespace {

using po_test::be32;
using po_test::tstr;

/* one end of a socketpair as a transport + protocol, the other as raw fd */
struct Wire {
  explicit Wire (gsize max_message = 64 * 1024 * 1024)
  {
    int fds[2];
    EXPECT_EQ (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
    transport = po_socket_transport_new (fds[0], 5000, max_message);
    protocol = po_bounded_protocol_new (THRIFT_TRANSPORT (transport));
    peer = fds[1];
  }
  ~Wire ()
  {
    g_object_unref (protocol);
    g_object_unref (transport);
    if (peer >= 0)
      close (peer);
  }
  void
  send (const std::string &bytes)
  {
    ASSERT_EQ (write (peer, bytes.data (), bytes.size ()), (ssize_t) bytes.size ());
  }
  ThriftProtocol *
  proto ()
  {
    return THRIFT_PROTOCOL (protocol);
  }

  PoSocketTransport *transport;
  PoBoundedProtocol *protocol;
  int peer;
};

TEST (Wire, NestedGarbageIsRefusedNotRecursed)
{
  /* a list of lists of lists ... 100,000 deep: c_glib 0.17's skip()
   * recurses once per level and overflows the stack */
  Wire wire;
  std::string bytes;
  for (int i = 0; i < 100000; i++)
    bytes += std::string ("\x0f", 1) + be32 (1);
  /* the reader gives up long before the writer is done: the writer
   * must then fail (EPIPE), not block or raise SIGPIPE */
  std::thread writer ([&] {
    size_t sent = 0;
    while (sent < bytes.size ())
      {
        ssize_t n = ::send (wire.peer, bytes.data () + sent, bytes.size () - sent, MSG_NOSIGNAL);
        if (n <= 0)
          break;
        sent += (size_t) n;
      }
  });
  GError *raw = NULL;
  EXPECT_LT (thrift_protocol_skip (wire.proto (), T_LIST, &raw), 0);
  po_test::ErrorPtr error (raw);
  ASSERT_NE (error, nullptr);
  EXPECT_TRUE (
    g_error_matches (error.get (), THRIFT_PROTOCOL_ERROR, THRIFT_PROTOCOL_ERROR_DEPTH_LIMIT))
    << error->message;
  thrift_transport_close (THRIFT_TRANSPORT (wire.transport), NULL);
  writer.join ();
}

TEST (Wire, HugeDeclaredStringIsRefusedBeforeAllocating)
{
  Wire wire;
  wire.send (be32 (0x7fffffff));
  gchar *str = NULL;
  GError *raw = NULL;
  EXPECT_LT (thrift_protocol_read_string (wire.proto (), &str, &raw), 0);
  po_test::ErrorPtr error (raw);
  ASSERT_NE (error, nullptr);
  EXPECT_TRUE (
    g_error_matches (error.get (), THRIFT_PROTOCOL_ERROR, THRIFT_PROTOCOL_ERROR_SIZE_LIMIT));
  EXPECT_EQ (str, nullptr);

  wire.send (be32 (0xfffffff0));
  raw = NULL;
  EXPECT_LT (thrift_protocol_read_string (wire.proto (), &str, &raw), 0);
  error.reset (raw);
  ASSERT_NE (error, nullptr);
  EXPECT_TRUE (
    g_error_matches (error.get (), THRIFT_PROTOCOL_ERROR, THRIFT_PROTOCOL_ERROR_NEGATIVE_SIZE));
}

TEST (Wire, MessageBudgetBoundsWhatOneMessageReads)
{
  Wire wire (1000);
  wire.send (be32 (2000) + std::string (2000, 'a'));
  gchar *str = NULL;
  GError *raw = NULL;
  EXPECT_LT (thrift_protocol_read_string (wire.proto (), &str, &raw), 0);
  po_test::ErrorPtr error (raw);
  ASSERT_NE (error, nullptr);
  EXPECT_NE (strstr (error->message, "1000"), nullptr) << error->message;
}

TEST (Wire, StrictAndOldHeadersBothRead)
{
  Wire wire;
  wire.send (be32 (0x80010001) + be32 (4) + "ping" + be32 (7));
  wire.send (be32 (4) + "call" + std::string ("\x01", 1) + be32 (9));
  for (auto expected : { std::make_pair ("ping", 7), std::make_pair ("call", 9) })
    {
      gchar *name = NULL;
      ThriftMessageType type;
      gint32 seqid = 0;
      GError *raw = NULL;
      ASSERT_GT (thrift_protocol_read_message_begin (wire.proto (), &name, &type, &seqid, &raw), 0)
        << (raw ? raw->message : "");
      EXPECT_STREQ (name, expected.first);
      EXPECT_EQ (type, T_CALL);
      EXPECT_EQ (seqid, expected.second);
      g_free (name);
    }
}

TEST (Wire, BadVersionIsRefused)
{
  Wire wire;
  wire.send (be32 (0x80020001) + be32 (4) + "ping" + be32 (7));
  gchar *name = NULL;
  ThriftMessageType type;
  gint32 seqid;
  GError *raw = NULL;
  EXPECT_LT (thrift_protocol_read_message_begin (wire.proto (), &name, &type, &seqid, &raw), 0);
  po_test::ErrorPtr error (raw);
  ASSERT_NE (error, nullptr);
  EXPECT_TRUE (
    g_error_matches (error.get (), THRIFT_PROTOCOL_ERROR, THRIFT_PROTOCOL_ERROR_BAD_VERSION));
}

/*
 * the generated writer put each row's key array on the stack with
 * g_newa(); about 90,000 rows overflowed a default stack.  The build
 * mends that: 200,000 rows of 10 columns go out and come back whole.
 */
TEST (Wire, TwoHundredThousandRowReplyRoundTrips)
{
  const guint n_rows = 200000;
  Wire writer_side;
  OsqueryExtensionResponse *response = (OsqueryExtensionResponse *)
    g_object_new (OSQUERY_TYPE_EXTENSION_RESPONSE, NULL);
  for (guint r = 0; r < n_rows; r++)
    {
      GHashTable *row = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      for (int c = 0; c < 10; c++)
        g_hash_table_insert (row, g_strdup_printf ("column_%d", c), g_strdup_printf ("%u", r));
      g_ptr_array_add (response->response, row);
    }

  /* read the reply on the other end with a second bounded protocol */
  PoSocketTransport *reader_transport = po_socket_transport_new (writer_side.peer, 5000,
                                                                 256 * 1024 * 1024);
  writer_side.peer = -1;
  PoBoundedProtocol *reader_protocol = po_bounded_protocol_new (
    THRIFT_TRANSPORT (reader_transport));
  OsqueryExtensionResponse *received = (OsqueryExtensionResponse *)
    g_object_new (OSQUERY_TYPE_EXTENSION_RESPONSE, NULL);
  gint32 read_result = 0;
  std::thread reader ([&] {
    GError *error = NULL;
    read_result = thrift_struct_read (THRIFT_STRUCT (received), THRIFT_PROTOCOL (reader_protocol),
                                      &error);
    if (error != NULL)
      {
        ADD_FAILURE () << error->message;
        g_error_free (error);
      }
  });
  GError *error = NULL;
  EXPECT_GT (thrift_struct_write (THRIFT_STRUCT (response), writer_side.proto (), &error), 0);
  EXPECT_TRUE (thrift_transport_flush (THRIFT_TRANSPORT (writer_side.transport), &error));
  reader.join ();
  EXPECT_GT (read_result, 0);
  ASSERT_EQ (received->response->len, n_rows);
  auto *last = static_cast<GHashTable *> (received->response->pdata[n_rows - 1]);
  EXPECT_STREQ ((const char *) g_hash_table_lookup (last, "column_9"), "199999");
  g_object_unref (received);
  g_object_unref (reader_protocol);
  g_object_unref (reader_transport);
  g_object_unref (response);
}

/* the handler, called as the generated processor calls it */
class HandlerTest : public ::testing::Test {
 protected:
  void
  SetUp () override
  {
    runtime = po_test::make_runtime ({ { "now", "2018-05-01" } });
    handler = po_ext_handler_new (
      runtime.get (), [] (gpointer data) { *static_cast<int *> (data) += 1; }, &shutdowns);
    po_ext_handler_set_uuid (handler, 4242);
  }
  void
  TearDown () override
  {
    g_object_unref (handler);
  }

  OsqueryExtensionResponse *
  call (const char *registry, const char *item,
        std::vector<std::pair<std::string, std::string>> request)
  {
    GHashTable *map = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
    for (auto &kv : request)
      g_hash_table_insert (map, g_strdup (kv.first.c_str ()), g_strdup (kv.second.c_str ()));
    auto *response = (OsqueryExtensionResponse *) g_object_new (OSQUERY_TYPE_EXTENSION_RESPONSE,
                                                                NULL);
    GError *error = NULL;
    /* never a Thrift exception: the handler always answers with a status */
    EXPECT_TRUE (osquery_extension_handler_call (OSQUERY_EXTENSION_IF (handler), &response,
                                                 registry, item, map, &error));
    EXPECT_EQ (error, nullptr);
    g_hash_table_unref (map);
    return round_trip (response);
  }

  /*
   * what the peer reads: the reply written as the server writes it and read
   * back with the generated reader (a generate reply's rows are written
   * straight from the table's rows, so they exist only on the wire)
   */
  static OsqueryExtensionResponse *
  round_trip (OsqueryExtensionResponse *response)
  {
    int fds[2];
    EXPECT_EQ (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
    PoSocketTransport *out = po_socket_transport_new (fds[0], 5000, 64 * 1024 * 1024);
    PoSocketTransport *in = po_socket_transport_new (fds[1], 5000, 64 * 1024 * 1024);
    PoBoundedProtocol *out_protocol = po_bounded_protocol_new (THRIFT_TRANSPORT (out));
    PoBoundedProtocol *in_protocol = po_bounded_protocol_new (THRIFT_TRANSPORT (in));
    std::thread writer ([&] {
      GError *error = NULL;
      EXPECT_GE (thrift_struct_write (THRIFT_STRUCT (response), THRIFT_PROTOCOL (out_protocol),
                                      &error),
                 0);
      EXPECT_TRUE (thrift_transport_flush (THRIFT_TRANSPORT (out), &error));
      EXPECT_EQ (error, nullptr);
    });
    auto *decoded = (OsqueryExtensionResponse *) g_object_new (OSQUERY_TYPE_EXTENSION_RESPONSE,
                                                               NULL);
    GError *error = NULL;
    EXPECT_GE (thrift_struct_read (THRIFT_STRUCT (decoded), THRIFT_PROTOCOL (in_protocol), &error),
               0);
    EXPECT_EQ (error, nullptr);
    writer.join ();
    g_object_unref (out_protocol);
    g_object_unref (in_protocol);
    g_object_unref (out);
    g_object_unref (in);
    g_object_unref (response);
    return decoded;
  }

  po_test::RuntimePtr runtime;
  PoExtHandler *handler = nullptr;
  int shutdowns = 0;
};

TEST_F (HandlerTest, PingAnswersPongWithTheUuid)
{
  auto *status = (OsqueryExtensionStatus *) g_object_new (OSQUERY_TYPE_EXTENSION_STATUS, NULL);
  EXPECT_TRUE (osquery_extension_handler_ping (OSQUERY_EXTENSION_IF (handler), &status, NULL));
  EXPECT_EQ (status->code, 0);
  EXPECT_STREQ (status->message, "pong");
  EXPECT_EQ (status->uuid, 4242);
  g_object_unref (status);
}

TEST_F (HandlerTest, ColumnsAreTheRegisteredRows)
{
  auto *response = call ("table", "phaseout_info", { { "action", "columns" } });
  EXPECT_EQ (response->status->code, 0);
  ASSERT_EQ (response->response->len, po_schema_phaseout_info.n_columns);
  auto *first = static_cast<GHashTable *> (response->response->pdata[0]);
  EXPECT_STREQ ((const char *) g_hash_table_lookup (first, "id"), "column");
  EXPECT_STREQ ((const char *) g_hash_table_lookup (first, "name"), "version");
  EXPECT_STREQ ((const char *) g_hash_table_lookup (first, "type"), "TEXT");
  EXPECT_STREQ ((const char *) g_hash_table_lookup (first, "op"), "0");
  g_object_unref (response);
}

TEST_F (HandlerTest, GenerateReturnsRows)
{
  auto *response = call ("table", "phaseout_info",
                         { { "action", "generate" },
                           { "context", "{\"constraints\":[{\"name\":\"pid\",\"list\":[],"
                                        "\"affinity\":\"BIGINT\"}],\"colsUsed\":[\"clock\"],"
                                        "\"colsUsedBitset\":128}" } });
  EXPECT_EQ (response->status->code, 0);
  EXPECT_STREQ (response->status->message, "OK");
  EXPECT_EQ (response->status->uuid, 4242);
  ASSERT_EQ (response->response->len, 1u);
  auto *row = static_cast<GHashTable *> (response->response->pdata[0]);
  EXPECT_STREQ ((const char *) g_hash_table_lookup (row, "clock"), "1525132800");
  EXPECT_STREQ ((const char *) g_hash_table_lookup (row, "clock_injected"), "1");
  EXPECT_STREQ ((const char *) g_hash_table_lookup (row, "version"), PHASEOUT_VERSION);
  g_object_unref (response);
}

struct BadCall {
  const char *registry;
  const char *item;
  std::vector<std::pair<std::string, std::string>> request;
  const char *message_part;
};

class HandlerBadCall : public HandlerTest, public ::testing::WithParamInterface<BadCall> {};

TEST_P (HandlerBadCall, IsStatusOneWithAMessage)
{
  auto *response = call (GetParam ().registry, GetParam ().item, GetParam ().request);
  EXPECT_EQ (response->status->code, 1);
  EXPECT_NE (strstr (response->status->message, GetParam ().message_part), nullptr)
    << response->status->message;
  EXPECT_EQ (response->response->len, 0u);
  g_object_unref (response);
}

INSTANTIATE_TEST_SUITE_P (
  Cases, HandlerBadCall,
  ::testing::Values (
    BadCall{ "config", "phaseout_info", { { "action", "generate" } }, "\"config\" registry" },
    BadCall{ "table", "processes", { { "action", "generate" } }, "no table \"processes\"" },
    BadCall{ "table", "phaseout_info", {}, "must include a request action" },
    BadCall{
      "table", "phaseout_info", { { "action", "routes" } }, "Unknown table plugin action: routes" },
    BadCall{ "table",
             "phaseout_info",
             { { "action", "generate" }, { "context", "{oops" } },
             "query context" }),
  [] (const auto &info) { return "case" + std::to_string (info.index); });

TEST_F (HandlerTest, WritesAreReadonly)
{
  for (const char *action : { "insert", "update", "delete" })
    {
      auto *response = call ("table", "phaseout_info", { { "action", action } });
      ASSERT_EQ (response->response->len, 1u) << action;
      auto *row = static_cast<GHashTable *> (response->response->pdata[0]);
      EXPECT_STREQ ((const char *) g_hash_table_lookup (row, "status"), "readonly");
      g_object_unref (response);
    }
}

TEST_F (HandlerTest, ShutdownCallsBack)
{
  EXPECT_TRUE (osquery_extension_handler_shutdown (OSQUERY_EXTENSION_IF (handler), NULL));
  EXPECT_EQ (shutdowns, 1);
}

TEST (Registry, CarriesOnlyTheTableRegistry)
{
  GHashTable *registry = po_ext_handler_build_registry ();
  EXPECT_EQ (g_hash_table_size (registry), 1u);
  auto *tables = static_cast<GHashTable *> (g_hash_table_lookup (registry, "table"));
  ASSERT_NE (tables, nullptr);
  guint n_tables;
  po_tables_get_all (&n_tables);
  EXPECT_EQ (g_hash_table_size (tables), n_tables);
  EXPECT_NE (g_hash_table_lookup (tables, "phaseout_info"), nullptr);
  g_hash_table_unref (registry);
}

}  // namespace
