package mysqltest

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

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

// DefaultCapabilities is the capability set a fake server announces in MySQL
// mode when HandshakeOptions.Capabilities is zero. It resembles a MySQL 8
// server without TLS, protocol compression or query attributes. TLS is added
// when HandshakeOptions.TLS is set; compression is spoken when a script offers
// ClientCompress or ClientZstdCompression in HandshakeOptions.Capabilities
// (see FakeConn.StartCompression); query attributes change the COM_QUERY
// layout, which the fake server does not implement unless a script does so
// itself.
const DefaultCapabilities = ClientLongPassword | ClientFoundRows | ClientLongFlag |
	ClientConnectWithDB | ClientNoSchema | ClientODBC | ClientLocalFiles |
	ClientIgnoreSpace | ClientProtocol41 | ClientInteractive | ClientIgnoreSigpipe |
	ClientTransactions | ClientReserved | ClientSecureConnection |
	ClientMultiStatements | ClientMultiResults | ClientPSMultiResults |
	ClientPluginAuth | ClientConnectAttrs | ClientPluginAuthLenencClientData |
	ClientCanHandleExpiredPasswords | ClientSessionTrack | ClientDeprecateEOF

// DefaultMariaDBCapabilities is the capability set a fake server announces in
// MariaDB mode when HandshakeOptions.Capabilities is zero: DefaultCapabilities
// without ClientMySQL, plus the MariaDB extended capabilities the fake server
// knows how to encode (extended column metadata and metadata caching).
const DefaultMariaDBCapabilities = (DefaultCapabilities &^ ClientMySQL) |
	MariaDBClientExtendedMetadata | MariaDBClientCacheMetadata

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

// maxPayload is the largest payload a single packet carries; longer payloads
// continue in further packets.
const maxPayload = 1<<24 - 1

// errShortPacket reports a packet that ended before a field it must contain.
var errShortPacket = errors.New("mysqltest: packet too short")

// appendLenEncInt appends v as a length-encoded integer.
func appendLenEncInt(b []byte, v uint64) []byte {
	switch {
	case v < 251:
		return append(b, byte(v))
	case v < 1<<16:
		return append(b, 0xfc, byte(v), byte(v>>8))
	case v < 1<<24:
		return append(b, 0xfd, byte(v), byte(v>>8), byte(v>>16))
	default:
		b = append(b, 0xfe)
		return binary.LittleEndian.AppendUint64(b, v)
	}
}

// appendLenEncString appends s preceded by its length as a length-encoded
// integer.
func appendLenEncString(b []byte, s string) []byte {
	b = appendLenEncInt(b, uint64(len(s)))
	return append(b, s...)
}

// appendLenEncBytes is appendLenEncString for a byte slice.
func appendLenEncBytes(b []byte, s []byte) []byte {
	b = appendLenEncInt(b, uint64(len(s)))
	return append(b, s...)
}

// decoder reads protocol fields from a packet payload. The first error sticks:
// after it every read returns zero values, and err reports it.
type decoder struct {
	buf []byte
	pos int
	err error
}

func (d *decoder) fail(what string) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: reading %s at offset %d of %d", errShortPacket, what, d.pos, len(d.buf))
	}
}

func (d *decoder) remaining() int { return len(d.buf) - d.pos }

func (d *decoder) bytes(n int, what string) []byte {
	if d.err != nil {
		return nil
	}
	if n < 0 || d.remaining() < n {
		d.fail(what)
		return nil
	}
	b := d.buf[d.pos : d.pos+n]
	d.pos += n
	return b
}

func (d *decoder) byte1(what string) byte {
	b := d.bytes(1, what)
	if b == nil {
		return 0
	}
	return b[0]
}

func (d *decoder) uint16(what string) uint16 {
	b := d.bytes(2, what)
	if b == nil {
		return 0
	}
	return binary.LittleEndian.Uint16(b)
}

func (d *decoder) uint32(what string) uint32 {
	b := d.bytes(4, what)
	if b == nil {
		return 0
	}
	return binary.LittleEndian.Uint32(b)
}

// nulString reads a NUL-terminated string and consumes the terminator.
func (d *decoder) nulString(what string) string {
	if d.err != nil {
		return ""
	}
	for i := d.pos; i < len(d.buf); i++ {
		if d.buf[i] == 0 {
			s := string(d.buf[d.pos:i])
			d.pos = i + 1
			return s
		}
	}
	d.fail(what + " (no NUL terminator)")
	return ""
}

// lenEncInt reads a length-encoded integer. A 0xfb (NULL) or 0xff prefix is
// an error here.
func (d *decoder) lenEncInt(what string) uint64 {
	first := d.byte1(what)
	if d.err != nil {
		return 0
	}
	switch {
	case first < 0xfb:
		return uint64(first)
	case first == 0xfc:
		b := d.bytes(2, what)
		if b == nil {
			return 0
		}
		return uint64(binary.LittleEndian.Uint16(b))
	case first == 0xfd:
		b := d.bytes(3, what)
		if b == nil {
			return 0
		}
		return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16
	case first == 0xfe:
		b := d.bytes(8, what)
		if b == nil {
			return 0
		}
		return binary.LittleEndian.Uint64(b)
	default:
		if d.err == nil {
			d.err = fmt.Errorf("mysqltest: invalid length-encoded integer prefix 0x%02x reading %s", first, what)
		}
		return 0
	}
}

func (d *decoder) lenEncBytes(what string) []byte {
	n := d.lenEncInt(what)
	if d.err != nil {
		return nil
	}
	if n > uint64(d.remaining()) {
		d.fail(what)
		return nil
	}
	return d.bytes(int(n), what)
}

func (d *decoder) rest() []byte {
	if d.err != nil {
		return nil
	}
	b := d.buf[d.pos:]
	d.pos = len(d.buf)
	return b
}

// readPacket reads one physical packet from r: its payload (a fresh slice) and
// its sequence id.
func readPacket(r io.Reader) (payload []byte, seq byte, err error) {
	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, 0, err
	}
	n := int(hdr[0]) | int(hdr[1])<<8 | int(hdr[2])<<16
	payload = make([]byte, n)
	if _, err := io.ReadFull(r, payload); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, hdr[3], err
	}
	return payload, hdr[3], nil
}

// appendPacketHeader appends the 4-byte packet header for a payload of n
// bytes (n <= maxPayload) with sequence id seq.
func appendPacketHeader(b []byte, n int, seq byte) []byte {
	return append(b, byte(n), byte(n>>8), byte(n>>16), seq)
}
