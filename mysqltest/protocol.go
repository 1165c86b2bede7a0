package mysqltest

import (
	"encoding/binary"
	"errors"
	"fmt"
	"github.com/myxdb/myx/mysqltest/proto"
	"io"
)

// DefaultCapabilities is the capability set a fake server announces in MySQL
// mode when HandshakeOptions.Capabilities is zero. It resembles a MySQL 8
// server without TLS, protocol compression or query attributes. TLS is added
// when HandshakeOptions.TLS is set; compression is spoken when a script offers
// proto.ClientCompress or proto.ClientZstdCompression in HandshakeOptions.Capabilities
// (see FakeConn.StartCompression); query attributes change the COM_QUERY
// layout, which the fake server does not implement unless a script does so
// itself.
const DefaultCapabilities = proto.ClientLongPassword | proto.ClientFoundRows | proto.ClientLongFlag |
	proto.ClientConnectWithDB | proto.ClientNoSchema | proto.ClientODBC | proto.ClientLocalFiles |
	proto.ClientIgnoreSpace | proto.ClientProtocol41 | proto.ClientInteractive | proto.ClientIgnoreSigpipe |
	proto.ClientTransactions | proto.ClientReserved | proto.ClientSecureConnection |
	proto.ClientMultiStatements | proto.ClientMultiResults | proto.ClientPSMultiResults |
	proto.ClientPluginAuth | proto.ClientConnectAttrs | proto.ClientPluginAuthLenencClientData |
	proto.ClientCanHandleExpiredPasswords | proto.ClientSessionTrack | proto.ClientDeprecateEOF

// DefaultMariaDBCapabilities is the capability set a fake server announces in
// MariaDB mode when HandshakeOptions.Capabilities is zero: DefaultCapabilities
// without proto.ClientMySQL, plus the MariaDB extended capabilities the fake server
// knows how to encode (extended column metadata and metadata caching).
const DefaultMariaDBCapabilities = (DefaultCapabilities &^ proto.ClientMySQL) |
	proto.MariaDBClientExtendedMetadata | proto.MariaDBClientCacheMetadata

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
