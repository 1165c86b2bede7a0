package wire

import (
	"encoding/binary"
	"math"
)

// AppendCommand appends a command byte followed by arg (COM_QUERY, COM_STMT_PREPARE,
// COM_INIT_DB and the like).
func AppendCommand(dst []byte, cmd byte, arg string) []byte {
	dst = append(dst, cmd)
	return append(dst, arg...)
}

// AppendStmtID appends a command that takes only a statement id (COM_STMT_CLOSE,
// COM_STMT_RESET).
func AppendStmtID(dst []byte, cmd byte, id uint32) []byte {
	dst = append(dst, cmd)
	return binary.LittleEndian.AppendUint32(dst, id)
}

// AppendLongDataHeader appends the start of COM_STMT_SEND_LONG_DATA for parameter param of
// statement id; the data follows.
func AppendLongDataHeader(dst []byte, id uint32, param uint16) []byte {
	dst = AppendStmtID(dst, ComStmtSendLong, id)
	return binary.LittleEndian.AppendUint16(dst, param)
}

// PrepareOK is the first packet of a successful COM_STMT_PREPARE response.
type PrepareOK struct {
	StmtID   uint32
	Columns  uint16
	Params   uint16
	Warnings uint16
}

// ParsePrepareOK decodes a COM_STMT_PREPARE_OK payload.
func ParsePrepareOK(p []byte) (PrepareOK, error) {
	var r PrepareOK
	c := cursor{b: p}
	if c.u8() != HeaderOK {
		return r, malformed("not a prepare OK packet")
	}
	r.StmtID = c.u32()
	r.Columns = c.u16()
	r.Params = c.u16()
	c.skip(1)
	if c.remaining() >= 2 {
		r.Warnings = c.u16()
	}
	if c.bad {
		return r, malformed("truncated prepare OK packet")
	}
	return r, nil
}

// Execute flags (cursor types).
const (
	CursorNone     byte = 0
	CursorReadOnly byte = 1
)

// AppendExecuteHeader appends the fixed start of COM_STMT_EXECUTE: command, statement id,
// flags and the iteration count. The caller appends the NULL bitmap, types and values.
func AppendExecuteHeader(dst []byte, id uint32, flags byte) []byte {
	dst = append(dst, ComStmtExecute)
	dst = binary.LittleEndian.AppendUint32(dst, id)
	dst = append(dst, flags, 1, 0, 0, 0)
	return dst
}

// AppendBulkExecuteHeader appends the fixed start of MariaDB's COM_STMT_BULK_EXECUTE. With
// sendTypes the caller follows with two bytes (type, flags) per parameter.
func AppendBulkExecuteHeader(dst []byte, id uint32, sendTypes bool) []byte {
	dst = append(dst, ComStmtBulkExecute)
	dst = binary.LittleEndian.AppendUint32(dst, id)
	var flags uint16
	if sendTypes {
		flags |= 128
	}
	return binary.LittleEndian.AppendUint16(dst, flags)
}

// Bulk-execute parameter indicators.
const (
	IndicatorNone    byte = 0
	IndicatorNull    byte = 1
	IndicatorDefault byte = 2
)

// AppendUint64 appends v little-endian.
func AppendUint64(dst []byte, v uint64) []byte { return binary.LittleEndian.AppendUint64(dst, v) }

// AppendFloat64 appends v as an 8-byte IEEE double.
func AppendFloat64(dst []byte, v float64) []byte {
	return binary.LittleEndian.AppendUint64(dst, math.Float64bits(v))
}

// AppendFloat32 appends v as a 4-byte IEEE float.
func AppendFloat32(dst []byte, v float32) []byte {
	return binary.LittleEndian.AppendUint32(dst, math.Float32bits(v))
}
