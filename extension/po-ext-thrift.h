/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * The Thrift c_glib types phaseout.ext uses, with the g_autoptr() support
 * the library does not declare itself.
 */
#include <thrift/c_glib/protocol/thrift_binary_protocol.h>
#include <thrift/c_glib/protocol/thrift_protocol.h>
#include <thrift/c_glib/transport/thrift_transport.h>

/* the generated headers do not declare C linkage themselves */
G_BEGIN_DECLS
#include "osquery_extension.h"
#include "osquery_extension_manager.h"
#include "osquery_osquery_types.h"
G_END_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ThriftTransport, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ThriftProtocol, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ThriftBinaryProtocol, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OsqueryExtensionProcessor, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OsqueryExtensionHandler, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OsqueryExtensionManagerClient, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OsqueryExtensionStatus, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OsqueryExtensionResponse, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OsqueryInternalExtensionInfo, g_object_unref)
