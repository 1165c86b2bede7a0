// Package mysqltest is test support for code that speaks the MySQL/MariaDB
// client/server protocol: myx's own tests and the tests of programs that use
// myx.
//
// It offers three things:
//
//   - Finding or starting a server. [DSN] and [Require] locate the shared
//     test server (MYSQL_TEST_DSN, else mysql://root@127.0.0.1:3306/test) and
//     skip or fail the test when none answers. [StartServer] and
//     [StartServerT] start a throwaway mariadbd or mysqld in a temporary
//     directory that can be stopped, restarted, killed and removed.
//     [StartReplication] starts a primary with replicas (GTID replication)
//     that can be stopped, delayed and promoted; [StartGalera] a Galera
//     cluster whose nodes can leave and rejoin. Each has a T variant.
//
//   - A fault-injecting TCP proxy, [NewProxy], that sits between a client and
//     a server and can add latency, reset connections, cut a connection after
//     a number of bytes, black-hole traffic or refuse new connections.
//
//   - A scripted fake server, [NewFakeServer], for protocol paths a real
//     server cannot easily be made to take: authentication exchanges of other
//     server kinds, malformed and truncated packets, LOCAL INFILE requests the
//     client did not ask for, servers that vanish mid-result. The protocol's
//     constants a script needs (column types and flags, capability and status
//     flags, command bytes, collation ids) are in package
//     [github.com/myxdb/myx/mysqltest/proto].
//
// The package depends on the standard library, github.com/klauspost/compress (for zstd) and
// its own package proto, and on no other package of myx, so any test package may import it
// without creating an import cycle.
// It implements the small part of the wire protocol it needs (the server side
// of the handshake and of text results, a handshake probe, and a small text
// protocol client for the clusters' administrative statements) itself.
package mysqltest
