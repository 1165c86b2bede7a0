package mysqltest

// The prepared-statement part of the raw client (rawclient.go), used only by
// this package's tests.

import (
	"encoding/binary"
	"fmt"
	"math"
	"time"

	"github.com/myxdb/myx/mysqltest/proto"
)

// rawStmt is a statement prepared by the raw client.
type rawStmt struct {
	id      uint32
	params  int
	columns []rawColumn
}

// sendPrepare writes COM_STMT_PREPARE without reading the answer.
func (c *rawClient) sendPrepare(query string) error {
	return c.command(proto.ComStmtPrepare, []byte(query))
}

// readPrepare reads a COM_STMT_PREPARE answer.
func (c *rawClient) readPrepare() (*rawStmt, error) {
	p, err := c.readPacket()
	if err != nil {
		return nil, err
	}
	if p[0] == 0xff {
		return nil, parseErrPacket(p)
	}
	if p[0] != 0 || len(p) < 12 {
		return nil, fmt.Errorf("raw client: bad PREPARE_OK %x", p)
	}
	st := &rawStmt{id: binary.LittleEndian.Uint32(p[1:])}
	ncols := int(binary.LittleEndian.Uint16(p[5:]))
	st.params = int(binary.LittleEndian.Uint16(p[7:]))
	if _, err := c.readColumns(uint64(st.params)); err != nil {
		return nil, err
	}
	if st.columns, err = c.readColumns(uint64(ncols)); err != nil {
		return nil, err
	}
	return st, nil
}

func (c *rawClient) prepare(query string) (*rawStmt, error) {
	if err := c.sendPrepare(query); err != nil {
		return nil, err
	}
	return c.readPrepare()
}

// rawLongData marks an argument already sent with COM_STMT_SEND_LONG_DATA.
type rawLongData struct{}

// sendExecute writes COM_STMT_EXECUTE with args encoded as: nil NULL, int64
// LONGLONG, uint64 LONGLONG unsigned, float64 DOUBLE, string VAR_STRING,
// []byte BLOB, time.Time DATETIME (11 bytes), time.Duration TIME (12 bytes).
// bindTypes false omits the types (valid after a first execution).
func (c *rawClient) sendExecute(id uint32, args []any, bindTypes bool) error {
	b := []byte{0x00, 1, 0, 0, 0}
	b = append(binary.LittleEndian.AppendUint32(nil, id), b...)
	if len(args) > 0 {
		nulls := make([]byte, (len(args)+7)/8)
		var types, values []byte
		for i, a := range args {
			switch v := a.(type) {
			case nil:
				nulls[i/8] |= 1 << (i % 8)
				types = append(types, proto.TypeNull, 0)
			case int64:
				types = append(types, proto.TypeLongLong, 0)
				values = binary.LittleEndian.AppendUint64(values, uint64(v))
			case uint64:
				types = append(types, proto.TypeLongLong, 0x80)
				values = binary.LittleEndian.AppendUint64(values, v)
			case float64:
				types = append(types, proto.TypeDouble, 0)
				values = binary.LittleEndian.AppendUint64(values, math.Float64bits(v))
			case string:
				types = append(types, proto.TypeVarString, 0)
				values = appendTestLenEnc(values, uint64(len(v)))
				values = append(values, v...)
			case []byte:
				types = append(types, proto.TypeBlob, 0)
				values = appendTestLenEnc(values, uint64(len(v)))
				values = append(values, v...)
			case rawLongData:
				// Sent with COM_STMT_SEND_LONG_DATA: type only, no value.
				types = append(types, proto.TypeBlob, 0)
			case time.Time:
				types = append(types, proto.TypeDateTime, 0)
				values = append(values, 11)
				values = binary.LittleEndian.AppendUint16(values, uint16(v.Year()))
				values = append(values, byte(v.Month()), byte(v.Day()), byte(v.Hour()), byte(v.Minute()), byte(v.Second()))
				values = binary.LittleEndian.AppendUint32(values, uint32(v.Nanosecond()/1000))
			case time.Duration:
				types = append(types, proto.TypeTime, 0)
				neg := byte(0)
				if v < 0 {
					neg, v = 1, -v
				}
				values = append(values, 12, neg)
				values = binary.LittleEndian.AppendUint32(values, uint32(v/(24*time.Hour)))
				values = append(values, byte(v/time.Hour%24), byte(v/time.Minute%60), byte(v/time.Second%60))
				values = binary.LittleEndian.AppendUint32(values, uint32(v%time.Second/time.Microsecond))
			default:
				return fmt.Errorf("raw client: cannot send %T", a)
			}
		}
		b = append(b, nulls...)
		if bindTypes {
			b = append(b, 1)
			b = append(b, types...)
		} else {
			b = append(b, 0)
		}
		b = append(b, values...)
	}
	return c.command(proto.ComStmtExecute, b)
}

// binaryResult is a result read in the binary protocol.
type binaryResult struct {
	columns []rawColumn
	rows    [][]any
	status  uint16
	ok      *rawResult // set when the answer was an OK packet
}

func (c *rawClient) readBinaryResult() (*binaryResult, error) {
	p, err := c.readPacket()
	if err != nil {
		return nil, err
	}
	switch p[0] {
	case 0x00:
		ok, err := c.readOK(p)
		return &binaryResult{ok: ok, status: ok.status}, err
	case 0xff:
		return nil, parseErrPacket(p)
	}
	d := &decoder{buf: p}
	n := int(d.lenEncInt("column count"))
	cols, err := c.readColumns(uint64(n))
	if err != nil {
		return nil, err
	}
	r := &binaryResult{columns: cols}
	for {
		p, err := c.readPacket()
		if err != nil {
			return nil, err
		}
		if end, status, _, err := c.endOfRows(p); end || err != nil {
			r.status = status
			return r, err
		}
		if p[0] == 0xff {
			return r, parseErrPacket(p)
		}
		if p[0] != 0 {
			return nil, fmt.Errorf("raw client: binary row header %#x", p[0])
		}
		nulls := p[1 : 1+(n+7+2)/8]
		d := &decoder{buf: p, pos: 1 + len(nulls)}
		row := make([]any, n)
		for i, col := range r.columns {
			if nulls[(i+2)/8]&(1<<((i+2)%8)) != 0 {
				continue
			}
			v, err := decodeBinaryParam(d, col.typ, col.flags&proto.FlagUnsigned != 0)
			if err != nil {
				return nil, err
			}
			row[i] = v
		}
		if d.err != nil || d.remaining() != 0 {
			return nil, fmt.Errorf("raw client: binary row: %v, %d bytes left", d.err, d.remaining())
		}
		r.rows = append(r.rows, row)
	}
}
