// Package wire implements the MySQL/MariaDB client/server protocol as pure functions over byte
// slices: packet framing, length-encoded values, the handshake, OK/ERR/EOF packets, column
// definitions, text and binary rows, and the COM_* command encoders.
//
// The package holds no I/O policy (timeouts, retries, cancellation): those belong to the
// connection that drives it. Every parser treats server bytes as untrusted; a malformed packet
// yields an error wrapping ErrMalformed, never a panic, and nothing is allocated beyond what the
// input holds.
package wire

// Capability flags (the lower 32 bits are MySQL's, the upper 32 bits MariaDB's extension).
const (
	ClientMySQL                      uint64 = 1 << 0 // CLIENT_LONG_PASSWORD; unset by MariaDB to signal extended capabilities
	ClientFoundRows                  uint64 = 1 << 1
	ClientLongFlag                   uint64 = 1 << 2
	ClientConnectWithDB              uint64 = 1 << 3
	ClientNoSchema                   uint64 = 1 << 4
	ClientCompress                   uint64 = 1 << 5
	ClientODBC                       uint64 = 1 << 6
	ClientLocalFiles                 uint64 = 1 << 7
	ClientIgnoreSpace                uint64 = 1 << 8
	ClientProtocol41                 uint64 = 1 << 9
	ClientInteractive                uint64 = 1 << 10
	ClientSSL                        uint64 = 1 << 11
	ClientIgnoreSIGPIPE              uint64 = 1 << 12
	ClientTransactions               uint64 = 1 << 13
	ClientReserved                   uint64 = 1 << 14
	ClientSecureConnection           uint64 = 1 << 15
	ClientMultiStatements            uint64 = 1 << 16
	ClientMultiResults               uint64 = 1 << 17
	ClientPSMultiResults             uint64 = 1 << 18
	ClientPluginAuth                 uint64 = 1 << 19
	ClientConnectAttrs               uint64 = 1 << 20
	ClientPluginAuthLenencClientData uint64 = 1 << 21
	ClientCanHandleExpiredPasswords  uint64 = 1 << 22
	ClientSessionTrack               uint64 = 1 << 23
	ClientDeprecateEOF               uint64 = 1 << 24
	ClientOptionalResultsetMetadata  uint64 = 1 << 25
	ClientZstdCompression            uint64 = 1 << 26 // CLIENT_ZSTD_COMPRESSION_ALGORITHM (MySQL 8.0.18+)
	ClientQueryAttributes            uint64 = 1 << 27

	MariaDBClientProgress           uint64 = 1 << 32
	MariaDBClientComMulti           uint64 = 1 << 33
	MariaDBClientStmtBulkOperations uint64 = 1 << 34
	MariaDBClientExtendedMetadata   uint64 = 1 << 35
	MariaDBClientCacheMetadata      uint64 = 1 << 36
	MariaDBClientBulkUnitResults    uint64 = 1 << 37
)

// Commands.
const (
	ComQuit            byte = 0x01
	ComInitDB          byte = 0x02
	ComQuery           byte = 0x03
	ComFieldList       byte = 0x04
	ComStatistics      byte = 0x09
	ComProcessKill     byte = 0x0c
	ComPing            byte = 0x0e
	ComChangeUser      byte = 0x11
	ComStmtPrepare     byte = 0x16
	ComStmtExecute     byte = 0x17
	ComStmtSendLong    byte = 0x18
	ComStmtClose       byte = 0x19
	ComStmtReset       byte = 0x1a
	ComSetOption       byte = 0x1b
	ComStmtFetch       byte = 0x1c
	ComResetConnection byte = 0x1f
	ComStmtBulkExecute byte = 0xfa
)

// Packet header bytes.
const (
	HeaderOK          byte = 0x00
	HeaderAuthMore    byte = 0x01
	HeaderLocalInfile byte = 0xfb
	HeaderEOF         byte = 0xfe
	HeaderAuthSwitch  byte = 0xfe
	HeaderERR         byte = 0xff
)

// Server status flags.
const (
	StatusInTrans            uint16 = 0x0001
	StatusAutocommit         uint16 = 0x0002
	StatusMoreResultsExists  uint16 = 0x0008
	StatusNoGoodIndexUsed    uint16 = 0x0010
	StatusNoIndexUsed        uint16 = 0x0020
	StatusCursorExists       uint16 = 0x0040
	StatusLastRowSent        uint16 = 0x0080
	StatusDBDropped          uint16 = 0x0100
	StatusNoBackslashEscapes uint16 = 0x0200
	StatusMetadataChanged    uint16 = 0x0400
	StatusQueryWasSlow       uint16 = 0x0800
	StatusPSOutParams        uint16 = 0x1000
	StatusInTransReadOnly    uint16 = 0x2000
	StatusSessionStateChange uint16 = 0x4000
)

// Column types.
const (
	TypeDecimal    byte = 0x00
	TypeTiny       byte = 0x01
	TypeShort      byte = 0x02
	TypeLong       byte = 0x03
	TypeFloat      byte = 0x04
	TypeDouble     byte = 0x05
	TypeNull       byte = 0x06
	TypeTimestamp  byte = 0x07
	TypeLongLong   byte = 0x08
	TypeInt24      byte = 0x09
	TypeDate       byte = 0x0a
	TypeTime       byte = 0x0b
	TypeDateTime   byte = 0x0c
	TypeYear       byte = 0x0d
	TypeNewDate    byte = 0x0e
	TypeVarChar    byte = 0x0f
	TypeBit        byte = 0x10
	TypeTimestamp2 byte = 0x11
	TypeDateTime2  byte = 0x12
	TypeTime2      byte = 0x13
	TypeVector     byte = 0xf2
	TypeJSON       byte = 0xf5
	TypeNewDecimal byte = 0xf6
	TypeEnum       byte = 0xf7
	TypeSet        byte = 0xf8
	TypeTinyBlob   byte = 0xf9
	TypeMediumBlob byte = 0xfa
	TypeLongBlob   byte = 0xfb
	TypeBlob       byte = 0xfc
	TypeVarString  byte = 0xfd
	TypeString     byte = 0xfe
	TypeGeometry   byte = 0xff
)

// Column definition flags.
const (
	FlagNotNull       uint16 = 1 << 0
	FlagPriKey        uint16 = 1 << 1
	FlagUniqueKey     uint16 = 1 << 2
	FlagMultipleKey   uint16 = 1 << 3
	FlagBlob          uint16 = 1 << 4
	FlagUnsigned      uint16 = 1 << 5
	FlagZeroFill      uint16 = 1 << 6
	FlagBinary        uint16 = 1 << 7
	FlagEnum          uint16 = 1 << 8
	FlagAutoIncrement uint16 = 1 << 9
	FlagTimestamp     uint16 = 1 << 10
	FlagSet           uint16 = 1 << 11
	FlagNoDefault     uint16 = 1 << 12
	FlagOnUpdateNow   uint16 = 1 << 13
	FlagNum           uint16 = 1 << 15
)

// BinaryCollation is the id of the "binary" character set/collation (63): a column with it holds
// bytes, not text.
const BinaryCollation = 63

// MaxPacketPayload is the largest payload one physical packet carries; longer payloads are split
// into several packets, the last one shorter than this (possibly empty).
const MaxPacketPayload = 1<<24 - 1
