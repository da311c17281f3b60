/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * Raw bytes on phaseout.ext's socket, for the tests that misbehave on
 * purpose where a Thrift client would not: osquery's binary protocol
 * written by hand, and a bare UNIX-socket connection.
 */
#include <glib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <string>

namespace po_test {

/* a big-endian i32, as TBinaryProtocol writes it */
inline std::string
be32 (guint32 value)
{
  return std::string{ (char) (value >> 24), (char) (value >> 16), (char) (value >> 8),
                      (char) value };
}

/* a Thrift string: its length, then its bytes */
inline std::string
tstr (const std::string &s)
{
  return be32 ((guint32) s.size ()) + s;
}

/* call("table", table, {action: generate}) as bytes, strict header */
inline std::string
generate_call (const std::string &table)
{
  std::string args = std::string ("\x0b\x00\x01", 3) + tstr ("table")
                     + std::string ("\x0b\x00\x02", 3) + tstr (table)
                     + std::string ("\x0d\x00\x03\x0b\x0b", 5) + be32 (1) + tstr ("action")
                     + tstr ("generate") + std::string ("\x00", 1);
  return be32 (0x80010001) + tstr ("call") + be32 (1) + args;
}

/* a connected socket, or -1 */
inline int
connect_to (const std::string &path)
{
  struct sockaddr_un address = {};
  address.sun_family = AF_UNIX;
  strncpy (address.sun_path, path.c_str (), sizeof address.sun_path - 1);
  int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd >= 0 && connect (fd, (struct sockaddr *) &address, sizeof address) != 0)
    {
      close (fd);
      return -1;
    }
  return fd;
}

}  // namespace po_test
