// Package proto names the constants of the MySQL/MariaDB client/server protocol that scripts
// of mysqltest's fake server, and hooks of its proxy, read and write: capability flags, server
// status flags, command bytes, column types and flags, collation ids, session state change
// types, authentication plugin names and MariaDB's id for the statement prepared last.
//
// The values are the protocol's, as MySQL's and MariaDB's documentation and sources give them
// (the C names are in the comments). The package is separate from mysqltest so that
// mysqltest's page shows what tests call; it depends on nothing, and on no package of myx.
package proto

// Capability flags exchanged in the handshake. The values are the protocol's
// bit positions; the flags above bit 31 are MariaDB's extended capabilities,
// which travel in otherwise unused bytes of the handshake packets.
const (
	// ClientLongPassword is CLIENT_LONG_PASSWORD in MySQL. MariaDB calls the
	// same bit CLIENT_MYSQL; a MariaDB server clears it to announce that it
	// sends extended capabilities.
	ClientLongPassword uint64 = 1 << 0
	// ClientMySQL is MariaDB's name for bit 0; see ClientLongPassword.
	ClientMySQL                      uint64 = 1 << 0
	ClientFoundRows                  uint64 = 1 << 1  // CLIENT_FOUND_ROWS
	ClientLongFlag                   uint64 = 1 << 2  // CLIENT_LONG_FLAG
	ClientConnectWithDB              uint64 = 1 << 3  // CLIENT_CONNECT_WITH_DB
	ClientNoSchema                   uint64 = 1 << 4  // CLIENT_NO_SCHEMA
	ClientCompress                   uint64 = 1 << 5  // CLIENT_COMPRESS
	ClientODBC                       uint64 = 1 << 6  // CLIENT_ODBC
	ClientLocalFiles                 uint64 = 1 << 7  // CLIENT_LOCAL_FILES
	ClientIgnoreSpace                uint64 = 1 << 8  // CLIENT_IGNORE_SPACE
	ClientProtocol41                 uint64 = 1 << 9  // CLIENT_PROTOCOL_41
	ClientInteractive                uint64 = 1 << 10 // CLIENT_INTERACTIVE
	ClientSSL                        uint64 = 1 << 11 // CLIENT_SSL
	ClientIgnoreSigpipe              uint64 = 1 << 12 // CLIENT_IGNORE_SIGPIPE
	ClientTransactions               uint64 = 1 << 13 // CLIENT_TRANSACTIONS
	ClientReserved                   uint64 = 1 << 14 // CLIENT_RESERVED
	ClientSecureConnection           uint64 = 1 << 15 // CLIENT_SECURE_CONNECTION
	ClientMultiStatements            uint64 = 1 << 16 // CLIENT_MULTI_STATEMENTS
	ClientMultiResults               uint64 = 1 << 17 // CLIENT_MULTI_RESULTS
	ClientPSMultiResults             uint64 = 1 << 18 // CLIENT_PS_MULTI_RESULTS
	ClientPluginAuth                 uint64 = 1 << 19 // CLIENT_PLUGIN_AUTH
	ClientConnectAttrs               uint64 = 1 << 20 // CLIENT_CONNECT_ATTRS
	ClientPluginAuthLenencClientData uint64 = 1 << 21 // CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA
	ClientCanHandleExpiredPasswords  uint64 = 1 << 22 // CLIENT_CAN_HANDLE_EXPIRED_PASSWORDS
	ClientSessionTrack               uint64 = 1 << 23 // CLIENT_SESSION_TRACK
	ClientDeprecateEOF               uint64 = 1 << 24 // CLIENT_DEPRECATE_EOF
	ClientOptionalResultsetMetadata  uint64 = 1 << 25 // CLIENT_OPTIONAL_RESULTSET_METADATA (MySQL)
	ClientZstdCompression            uint64 = 1 << 26 // CLIENT_ZSTD_COMPRESSION_ALGORITHM
	ClientQueryAttributes            uint64 = 1 << 27 // CLIENT_QUERY_ATTRIBUTES (MySQL)
	ClientMultiFactorAuthentication  uint64 = 1 << 28 // MULTI_FACTOR_AUTHENTICATION (MySQL)
	ClientCapabilityExtension        uint64 = 1 << 29 // CLIENT_CAPABILITY_EXTENSION
	ClientSSLVerifyServerCert        uint64 = 1 << 30 // CLIENT_SSL_VERIFY_SERVER_CERT
	ClientRememberOptions            uint64 = 1 << 31 // CLIENT_REMEMBER_OPTIONS

	MariaDBClientProgress           uint64 = 1 << 32 // MARIADB_CLIENT_PROGRESS
	MariaDBClientComMulti           uint64 = 1 << 33 // MARIADB_CLIENT_COM_MULTI
	MariaDBClientStmtBulkOperations uint64 = 1 << 34 // MARIADB_CLIENT_STMT_BULK_OPERATIONS
	MariaDBClientExtendedMetadata   uint64 = 1 << 35 // MARIADB_CLIENT_EXTENDED_METADATA
	MariaDBClientCacheMetadata      uint64 = 1 << 36 // MARIADB_CLIENT_CACHE_METADATA
	MariaDBClientBulkUnitResults    uint64 = 1 << 37 // MARIADB_CLIENT_BULK_UNIT_RESULTS
)

// Server status flags, carried in OK and EOF packets and in the handshake.
const (
	StatusInTrans            uint16 = 0x0001 // SERVER_STATUS_IN_TRANS
	StatusAutocommit         uint16 = 0x0002 // SERVER_STATUS_AUTOCOMMIT
	StatusMoreResultsExist   uint16 = 0x0008 // SERVER_MORE_RESULTS_EXISTS
	StatusNoGoodIndexUsed    uint16 = 0x0010 // SERVER_QUERY_NO_GOOD_INDEX_USED
	StatusNoIndexUsed        uint16 = 0x0020 // SERVER_QUERY_NO_INDEX_USED
	StatusCursorExists       uint16 = 0x0040 // SERVER_STATUS_CURSOR_EXISTS
	StatusLastRowSent        uint16 = 0x0080 // SERVER_STATUS_LAST_ROW_SENT
	StatusDBDropped          uint16 = 0x0100 // SERVER_STATUS_DB_DROPPED
	StatusNoBackslashEscapes uint16 = 0x0200 // SERVER_STATUS_NO_BACKSLASH_ESCAPES
	StatusMetadataChanged    uint16 = 0x0400 // SERVER_STATUS_METADATA_CHANGED
	StatusQueryWasSlow       uint16 = 0x0800 // SERVER_QUERY_WAS_SLOW
	StatusPSOutParams        uint16 = 0x1000 // SERVER_PS_OUT_PARAMS
	StatusInTransReadonly    uint16 = 0x2000 // SERVER_STATUS_IN_TRANS_READONLY
	StatusSessionStateChange uint16 = 0x4000 // SERVER_SESSION_STATE_CHANGED
)

// Command bytes: the first byte of every packet a client sends in the
// command phase.
const (
	ComQuit             byte = 0x01
	ComInitDB           byte = 0x02
	ComQuery            byte = 0x03
	ComFieldList        byte = 0x04
	ComStatistics       byte = 0x09
	ComProcessKill      byte = 0x0c
	ComPing             byte = 0x0e
	ComChangeUser       byte = 0x11
	ComStmtPrepare      byte = 0x16
	ComStmtExecute      byte = 0x17
	ComStmtSendLongData byte = 0x18
	ComStmtClose        byte = 0x19
	ComStmtReset        byte = 0x1a
	ComSetOption        byte = 0x1b
	ComStmtFetch        byte = 0x1c
	ComResetConnection  byte = 0x1f
)

// Column types, as carried in column definitions.
const (
	TypeDecimal    byte = 0
	TypeTiny       byte = 1
	TypeShort      byte = 2
	TypeLong       byte = 3
	TypeFloat      byte = 4
	TypeDouble     byte = 5
	TypeNull       byte = 6
	TypeTimestamp  byte = 7
	TypeLongLong   byte = 8
	TypeInt24      byte = 9
	TypeDate       byte = 10
	TypeTime       byte = 11
	TypeDateTime   byte = 12
	TypeYear       byte = 13
	TypeNewDate    byte = 14
	TypeVarChar    byte = 15
	TypeBit        byte = 16
	TypeJSON       byte = 245
	TypeNewDecimal byte = 246
	TypeEnum       byte = 247
	TypeSet        byte = 248
	TypeTinyBlob   byte = 249
	TypeMediumBlob byte = 250
	TypeLongBlob   byte = 251
	TypeBlob       byte = 252
	TypeVarString  byte = 253
	TypeString     byte = 254
	TypeGeometry   byte = 255
)

// Column definition flags.
const (
	FlagNotNull       uint16 = 0x0001
	FlagPriKey        uint16 = 0x0002
	FlagUniqueKey     uint16 = 0x0004
	FlagMultipleKey   uint16 = 0x0008
	FlagBlob          uint16 = 0x0010
	FlagUnsigned      uint16 = 0x0020
	FlagZerofill      uint16 = 0x0040
	FlagBinary        uint16 = 0x0080
	FlagEnum          uint16 = 0x0100
	FlagAutoIncrement uint16 = 0x0200
	FlagTimestamp     uint16 = 0x0400
	FlagSet           uint16 = 0x0800
	FlagNoDefault     uint16 = 0x1000
	FlagOnUpdateNow   uint16 = 0x2000
	FlagNum           uint16 = 0x8000
)

// Collation ids used as defaults.
const (
	CollationUTF8MB4GeneralCI byte = 45  // utf8mb4_general_ci
	CollationBinary           byte = 63  // binary
	CollationUTF8MB40900AICI  byte = 255 // utf8mb4_0900_ai_ci, MySQL 8's default
)

// Session state change types, the first byte of each entry in an OK
// packet's session state.
const (
	TrackSystemVariables            byte = 0
	TrackSchemaChange               byte = 1
	TrackStateChangeType            byte = 2
	TrackGTIDs                      byte = 3
	TrackTransactionCharacteristics byte = 4
	TrackTransactionState           byte = 5
)

// Authentication plugin names.
const (
	PluginNativePassword      = "mysql_native_password"
	PluginCachingSHA2Password = "caching_sha2_password"
	PluginSHA256Password      = "sha256_password"
	PluginClearPassword       = "mysql_clear_password"
)

// LastPreparedStmt is the statement id with which a MariaDB client names the
// statement prepared just before, so that COM_STMT_PREPARE and its first
// COM_STMT_EXECUTE can be sent together.
const LastPreparedStmt uint32 = 0xffffffff
