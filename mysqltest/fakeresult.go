package mysqltest

import (
	"encoding/binary"
	"errors"
	"fmt"
	"github.com/myxdb/myx/mysqltest/proto"
	"io"
	"net"
	"strconv"
	"syscall"
)

// OKOptions describe an OK packet.
type OKOptions struct {
	// Header is the first byte: 0 means 0x00. Use 0xfe for the OK packet that
	// ends a result set when CLIENT_DEPRECATE_EOF is in effect.
	Header byte
	// AffectedRows and LastInsertID are the statement's counts.
	AffectedRows, LastInsertID uint64
	// Status is the status flags; 0 means the connection's Status().
	Status uint16
	// Warnings is the warning count.
	Warnings uint16
	// Info is the human-readable message, e.g. "Rows matched: 1  Changed: 1".
	Info string
	// SessionState is the raw session-state-change data (see TrackSchema,
	// TrackSystemVariable, TrackStateChange). If non-nil,
	// proto.StatusSessionStateChange is set, and, when CLIENT_SESSION_TRACK is in
	// effect, it is sent.
	SessionState []byte
}

// WriteOK sends an OK packet. Its layout follows the capabilities in effect:
// status and warnings with CLIENT_PROTOCOL_41; with CLIENT_SESSION_TRACK the
// info is length-encoded and sent only when it or the session state is
// present (as MySQL does), otherwise it fills the rest of the packet.
func (c *FakeConn) WriteOK(o OKOptions) error {
	return c.WritePacket(c.okPayload(o))
}

func (c *FakeConn) okPayload(o OKOptions) []byte {
	caps := c.Capabilities()
	status := o.Status
	if status == 0 {
		status = c.status
	}
	if o.SessionState != nil {
		status |= proto.StatusSessionStateChange
	}
	b := []byte{o.Header}
	b = appendLenEncInt(b, o.AffectedRows)
	b = appendLenEncInt(b, o.LastInsertID)
	if caps&proto.ClientProtocol41 != 0 {
		b = binary.LittleEndian.AppendUint16(b, status)
		b = binary.LittleEndian.AppendUint16(b, o.Warnings)
	} else if caps&proto.ClientTransactions != 0 {
		b = binary.LittleEndian.AppendUint16(b, status)
	}
	if caps&proto.ClientSessionTrack != 0 {
		if o.Info != "" || o.SessionState != nil {
			b = appendLenEncString(b, o.Info)
		}
		if o.SessionState != nil {
			b = appendLenEncBytes(b, o.SessionState)
		}
	} else {
		b = append(b, o.Info...)
	}
	return b
}

// TrackSystemVariable returns a session-state entry reporting that system
// variable name now has value; concatenate entries for OKOptions.SessionState.
func TrackSystemVariable(name, value string) []byte {
	data := appendLenEncString(nil, name)
	data = appendLenEncString(data, value)
	return appendLenEncBytes([]byte{proto.TrackSystemVariables}, data)
}

// TrackSchema returns a session-state entry reporting that the current
// database is now name.
func TrackSchema(name string) []byte {
	return appendLenEncBytes([]byte{proto.TrackSchemaChange}, appendLenEncString(nil, name))
}

// TrackStateChange returns a session-state entry reporting that the session
// state changed ("1") or not ("0").
func TrackStateChange(changed bool) []byte {
	v := "0"
	if changed {
		v = "1"
	}
	return appendLenEncBytes([]byte{proto.TrackStateChangeType}, appendLenEncString(nil, v))
}

// WriteERR sends an ERR packet with the given error number, SQLSTATE and
// message. Once the client's handshake response has been read (or
// SetCapabilities called) and CLIENT_PROTOCOL_41 is in effect, the SQLSTATE
// is sent after a '#', an empty sqlState meaning "HY000"; before that, as
// real servers do, the packet has no SQLSTATE. A sqlState that is not 5
// bytes is sent as given, producing a malformed packet on purpose.
func (c *FakeConn) WriteERR(number uint16, sqlState, msg string) error {
	b := []byte{0xff}
	b = binary.LittleEndian.AppendUint16(b, number)
	if c.gotClient && c.Capabilities()&proto.ClientProtocol41 != 0 {
		if sqlState == "" {
			sqlState = "HY000"
		}
		b = append(b, '#')
		b = append(b, sqlState...)
	}
	return c.WritePacket(append(b, msg...))
}

// WriteError sends e as an ERR packet.
func (c *FakeConn) WriteError(e *ServerError) error {
	return c.WriteERR(e.Code, e.SQLState, e.Message)
}

// WriteEOF sends an EOF packet: 0xfe, then, with CLIENT_PROTOCOL_41, the
// warning count and status flags (status 0 means the connection's Status()).
func (c *FakeConn) WriteEOF(warnings, status uint16) error {
	return c.WritePacket(c.eofPayload(warnings, status))
}

func (c *FakeConn) eofPayload(warnings, status uint16) []byte {
	if status == 0 {
		status = c.status
	}
	b := []byte{0xfe}
	if c.Capabilities()&proto.ClientProtocol41 != 0 {
		b = binary.LittleEndian.AppendUint16(b, warnings)
		b = binary.LittleEndian.AppendUint16(b, status)
	}
	return b
}

// WriteColumnCount sends the packet that starts a result set: the column
// count, followed by a "metadata follows" byte of 1 when
// proto.MariaDBClientCacheMetadata or proto.ClientOptionalResultsetMetadata is in
// effect.
func (c *FakeConn) WriteColumnCount(n int) error {
	return c.WritePacket(c.columnCountPayload(n))
}

func (c *FakeConn) columnCountPayload(n int) []byte {
	b := appendLenEncInt(nil, uint64(n))
	if c.Capabilities()&(proto.MariaDBClientCacheMetadata|proto.ClientOptionalResultsetMetadata) != 0 {
		b = append(b, 1)
	}
	return b
}

// ColumnDef describes one column of a result set.
type ColumnDef struct {
	// Catalog is always "def" in practice; "" means "def".
	Catalog string
	// Schema, Table, OrgTable, Name and OrgName are the database, the table
	// alias and real name, and the column alias and real name. They are sent
	// as given (real servers leave the table and original names empty for
	// expressions).
	Schema, Table, OrgTable, Name, OrgName string
	// Charset is the collation id of the column's values; 0 means binary (63)
	// for numeric and temporal types and the server's default
	// (proto.CollationUTF8MB4GeneralCI for MariaDB, proto.CollationUTF8MB40900AICI for
	// MySQL) otherwise.
	Charset uint16
	// Length is the maximum display length.
	Length uint32
	// Type is the column type, one of the Type constants.
	Type byte
	// Flags are the column flags, Flag constants.
	Flags uint16
	// Decimals is the number of decimals.
	Decimals byte
	// ExtendedType and ExtendedFormat are MariaDB's extended metadata: the
	// data type name (for example "point" for a GEOMETRY column) and the
	// format (MariaDB sends "json" for JSON columns, which are BLOB-typed
	// text). They are sent only when proto.MariaDBClientExtendedMetadata is in
	// effect.
	ExtendedType, ExtendedFormat string
}

// isBinaryCharsetType reports whether values of type t are numbers or
// temporal values, which servers label with the binary collation.
func isBinaryCharsetType(t byte) bool {
	switch t {
	case proto.TypeDecimal, proto.TypeTiny, proto.TypeShort, proto.TypeLong, proto.TypeFloat, proto.TypeDouble, proto.TypeNull,
		proto.TypeTimestamp, proto.TypeLongLong, proto.TypeInt24, proto.TypeDate, proto.TypeTime, proto.TypeDateTime,
		proto.TypeYear, proto.TypeNewDate, proto.TypeBit, proto.TypeNewDecimal, proto.TypeGeometry:
		return true
	}
	return false
}

func (c *FakeConn) columnDefPayload(col ColumnDef) []byte {
	catalog := col.Catalog
	if catalog == "" {
		catalog = "def"
	}
	charset := col.Charset
	if charset == 0 {
		switch {
		case isBinaryCharsetType(col.Type):
			charset = uint16(proto.CollationBinary)
		case c.mariadb:
			charset = uint16(proto.CollationUTF8MB4GeneralCI)
		default:
			charset = uint16(proto.CollationUTF8MB40900AICI)
		}
	}
	b := appendLenEncString(nil, catalog)
	b = appendLenEncString(b, col.Schema)
	b = appendLenEncString(b, col.Table)
	b = appendLenEncString(b, col.OrgTable)
	b = appendLenEncString(b, col.Name)
	b = appendLenEncString(b, col.OrgName)
	if c.Capabilities()&proto.MariaDBClientExtendedMetadata != 0 {
		var ext []byte
		if col.ExtendedType != "" {
			ext = appendLenEncString(append(ext, 0), col.ExtendedType)
		}
		if col.ExtendedFormat != "" {
			ext = appendLenEncString(append(ext, 1), col.ExtendedFormat)
		}
		b = appendLenEncBytes(b, ext)
	}
	b = append(b, 0x0c)
	b = binary.LittleEndian.AppendUint16(b, charset)
	b = binary.LittleEndian.AppendUint32(b, col.Length)
	b = append(b, col.Type)
	b = binary.LittleEndian.AppendUint16(b, col.Flags)
	b = append(b, col.Decimals, 0, 0)
	return b
}

// WriteColumnDef sends a column definition packet (protocol 4.1 layout, with
// MariaDB's extended metadata when proto.MariaDBClientExtendedMetadata is in
// effect).
func (c *FakeConn) WriteColumnDef(col ColumnDef) error {
	return c.WritePacket(c.columnDefPayload(col))
}

// WriteTextRow sends a text-protocol row: each value length-encoded, a nil
// value as NULL (0xfb). An empty non-nil value is the empty string.
func (c *FakeConn) WriteTextRow(values [][]byte) error {
	return c.WritePacket(textRowPayload(values))
}

func textRowPayload(values [][]byte) []byte {
	var b []byte
	for _, v := range values {
		if v == nil {
			b = append(b, 0xfb)
			continue
		}
		b = appendLenEncBytes(b, v)
	}
	return b
}

// TextValues converts Go values to text-protocol values for WriteTextRow:
// nil and nil []byte become NULL, strings and []byte are used as they are,
// bools become "1" or "0", floats use the shortest decimal form without an
// exponent, and anything else is formatted with fmt.Sprint.
func TextValues(values ...any) [][]byte {
	out := make([][]byte, len(values))
	for i, v := range values {
		switch v := v.(type) {
		case nil:
			out[i] = nil
		case []byte:
			if v != nil {
				out[i] = append([]byte{}, v...)
			}
		case string:
			out[i] = []byte(v)
		case bool:
			if v {
				out[i] = []byte("1")
			} else {
				out[i] = []byte("0")
			}
		case float64:
			out[i] = strconv.AppendFloat(nil, v, 'f', -1, 64)
		case float32:
			out[i] = strconv.AppendFloat(nil, float64(v), 'f', -1, 32)
		default:
			out[i] = []byte(fmt.Sprint(v))
		}
	}
	return out
}

// WriteLocalInfileRequest sends the packet with which a server asks the
// client for the contents of a local file (LOAD DATA LOCAL INFILE): 0xfb and
// the file name. A well-behaved client refuses unless it expected the
// request.
func (c *FakeConn) WriteLocalInfileRequest(filename string) error {
	return c.WritePacket(append([]byte{0xfb}, filename...))
}

// ReadLocalInfileData reads the file contents a client sends after a LOCAL
// INFILE request, up to and including the empty packet that ends them.
func (c *FakeConn) ReadLocalInfileData() ([]byte, error) {
	var data []byte
	for {
		p, err := c.ReadPacket()
		if err != nil {
			return data, err
		}
		if len(p) == 0 {
			return data, nil
		}
		data = append(data, p...)
	}
}

// Result is one canned answer to a query, for WriteResult and ServeQueries.
type Result struct {
	// Err, if set, is sent as an ERR packet instead of anything else.
	Err *ServerError
	// Columns, if non-empty, make the result a result set; otherwise it is an
	// OK packet.
	Columns []ColumnDef
	// Rows are the rows of a result set: converted with TextValues for the
	// text protocol and encoded as WriteBinaryRow describes for the binary
	// protocol (nil is NULL).
	Rows [][]any
	// RowsErr, if set, is sent as an ERR packet after the rows instead of the
	// packet that ends the result set, as when a query fails midway.
	RowsErr *ServerError
	// AffectedRows and LastInsertID fill the OK packet of a result without
	// columns.
	AffectedRows, LastInsertID uint64
	// Info is the message of that OK packet.
	Info string
	// Warnings is the warning count of the final OK or EOF packet.
	Warnings uint16
	// Status is the status of the final OK or EOF packet; 0 means the
	// connection's Status(). proto.StatusMoreResultsExist is added when more
	// results follow.
	Status uint16
	// Custom, if set, replaces all of the above: WriteResult calls it to
	// write whatever it likes (malformed packets, a connection that vanishes
	// mid-result), and ServeQueries stops with its error if it returns one.
	// At the Prepare stage it is not called; Err and Columns still decide
	// the answer to the prepare.
	Custom func(c *FakeConn) error
}

// WriteResult sends r: an ERR packet, an OK packet, or a text result set
// (column count, column definitions, EOF unless CLIENT_DEPRECATE_EOF is in
// effect, rows, then EOF or an OK packet with header 0xfe). more sets
// proto.StatusMoreResultsExist in the final packet, announcing another result.
func (c *FakeConn) WriteResult(r Result, more bool) error {
	return c.writeResult(r, more, false)
}

func (c *FakeConn) writeResult(r Result, more, binaryRows bool) error {
	if r.Custom != nil {
		return r.Custom(c)
	}
	if r.Err != nil {
		return c.WriteError(r.Err)
	}
	status := r.Status
	if status == 0 {
		status = c.status
	}
	if more {
		status |= proto.StatusMoreResultsExist
	}
	if len(r.Columns) == 0 {
		return c.WriteOK(OKOptions{AffectedRows: r.AffectedRows, LastInsertID: r.LastInsertID, Status: status, Warnings: r.Warnings, Info: r.Info})
	}
	deprecateEOF := c.Capabilities()&proto.ClientDeprecateEOF != 0
	c.WriteColumnCount(len(r.Columns))
	for _, col := range r.Columns {
		c.WriteColumnDef(col)
	}
	if !deprecateEOF {
		c.WriteEOF(0, status)
	}
	for i, row := range r.Rows {
		if len(row) != len(r.Columns) {
			return fmt.Errorf("mysqltest: Result row %d has %d values for %d columns", i, len(row), len(r.Columns))
		}
		if binaryRows {
			if err := c.WriteBinaryRow(r.Columns, row); err != nil {
				return err
			}
			continue
		}
		c.WriteTextRow(TextValues(row...))
	}
	if r.RowsErr != nil {
		return c.WriteError(r.RowsErr)
	}
	if deprecateEOF {
		return c.WriteOK(OKOptions{Header: 0xfe, Status: status, Warnings: r.Warnings})
	}
	return c.WriteEOF(r.Warnings, status)
}

// Stage says which command a Query comes from.
type Stage int

const (
	// TextQuery is a COM_QUERY; the results are sent in the text protocol.
	TextQuery Stage = iota
	// Prepare is a COM_STMT_PREPARE. Only the first result matters: its Err
	// fails the prepare, and its Columns become the statement's column
	// definitions. Rows are not sent.
	Prepare
	// Execute is a COM_STMT_EXECUTE; the results are sent in the binary
	// protocol and Args holds the arguments.
	Execute
)

// String returns "query", "prepare" or "execute".
func (s Stage) String() string {
	switch s {
	case TextQuery:
		return "query"
	case Prepare:
		return "prepare"
	case Execute:
		return "execute"
	}
	return fmt.Sprintf("Stage(%d)", int(s))
}

// Query is a statement ServeQueries asks its handler to answer.
type Query struct {
	// SQL is the statement text.
	SQL string
	// Stage is the command that carried it.
	Stage Stage
	// Args are the arguments of an Execute, decoded from the binary
	// protocol: nil for NULL, int64 (uint64 when sent as unsigned) for
	// integers, float32 and float64, time.Time in UTC for dates (the zero
	// time.Time for the zero date), time.Duration for TIME, and []byte for
	// everything else, including data sent with COM_STMT_SEND_LONG_DATA.
	Args []any
	// StmtID is the statement id of a Prepare or Execute.
	StmtID uint32
	// Attrs are the query attributes sent with a TextQuery or an Execute, when the client
	// negotiated CLIENT_QUERY_ATTRIBUTES (offer it with proto.ClientQueryAttributes in
	// HandshakeOptions.Capabilities); nil if none.
	Attrs []QueryAttr
}

// QueryHandler answers a query for ServeQueries: it returns the results to
// send, in order (several for a multi-statement query or a stored procedure
// call). No results means a plain OK packet. For a prepared statement the
// handler is called once with Stage Prepare and once per execution with
// Stage Execute.
type QueryHandler func(q Query) []Result

// Queries returns a QueryHandler that answers each query whose SQL is a key
// of m with its result, whatever the stage and arguments, and any other
// query with ERR 1064 (syntax error) naming the query.
func Queries(m map[string]Result) QueryHandler {
	return func(q Query) []Result {
		if r, ok := m[q.SQL]; ok {
			return []Result{r}
		}
		return []Result{{Err: &ServerError{Code: 1064, SQLState: "42000", Message: fmt.Sprintf("mysqltest fake server has no answer for %q", q.SQL)}}}
	}
}

// ServeQueries answers commands until the client quits or goes away:
//
//   - COM_QUERY with h's results in the text protocol (query attributes, if
//     negotiated, decoded into Query.Attrs);
//   - COM_STMT_PREPARE with a statement whose parameter count is the number
//     of '?' placeholders and whose columns are those of h's first result;
//     COM_STMT_EXECUTE (including MariaDB's proto.LastPreparedStmt id) with h's
//     results in the binary protocol; COM_STMT_SEND_LONG_DATA,
//     COM_STMT_RESET and COM_STMT_CLOSE as a server does (cursors are not
//     supported: an execute asking for one gets its rows at once);
//   - COM_PING, COM_INIT_DB and COM_RESET_CONNECTION with OK, COM_SET_OPTION
//     with EOF, COM_QUIT by returning;
//   - anything else with ERR 1047 (unknown command).
//
// It returns nil when the client sent COM_QUIT or closed or reset the
// connection, and the error otherwise.
func (c *FakeConn) ServeQueries(h QueryHandler) error {
	stmts := map[uint32]*fakeStmt{}
	var nextID, lastID uint32
	var lastOK bool
	for {
		cmd, payload, err := c.ReadCommand()
		if err != nil {
			if isConnGone(err) {
				return nil
			}
			return err
		}
		switch cmd {
		case proto.ComQuit:
			return nil
		case proto.ComQuery:
			query, attrs, qerr := ParseQuery(payload, c.Capabilities())
			if qerr != nil {
				err = c.WriteERR(1835, "HY000", "Malformed communication packet: "+qerr.Error())
				break
			}
			err = c.writeResults(h(Query{SQL: query, Stage: TextQuery, Attrs: attrs}), false)
		case proto.ComStmtPrepare:
			nextID++
			query := string(payload)
			results := h(Query{SQL: query, Stage: Prepare, StmtID: nextID})
			var first Result
			if len(results) > 0 {
				first = results[0]
			}
			lastOK = false
			if first.Err != nil {
				err = c.WriteError(first.Err)
				break
			}
			st := &fakeStmt{id: nextID, sql: query, params: countPlaceholders(query), longData: map[int][]byte{}}
			params := make([]ColumnDef, st.params)
			for i := range params {
				params[i] = ParamDef()
			}
			stmts[st.id] = st
			lastID, lastOK = st.id, true
			err = c.WritePrepareOK(st.id, params, first.Columns, 0)
		case proto.ComStmtExecute, proto.ComStmtSendLongData, proto.ComStmtReset, proto.ComStmtClose:
			d := &decoder{buf: payload}
			id := d.uint32("statement id")
			if id == proto.LastPreparedStmt && lastOK {
				id = lastID
			}
			st := stmts[id]
			if d.err != nil || st == nil {
				if cmd == proto.ComStmtExecute || cmd == proto.ComStmtReset {
					err = c.WriteERR(1243, "HY000", fmt.Sprintf("Unknown prepared statement handler (%d) given to mysqld_stmt_execute", id))
				}
				break
			}
			switch cmd {
			case proto.ComStmtExecute:
				args, attrs, derr := decodeExecuteAttrs(d, st, c.Capabilities()&proto.ClientQueryAttributes != 0)
				if derr != nil {
					err = c.WriteERR(1210, "HY000", "Incorrect arguments to mysqld_stmt_execute: "+derr.Error())
					break
				}
				clear(st.longData)
				err = c.writeResults(h(Query{SQL: st.sql, Stage: Execute, Args: args, StmtID: st.id, Attrs: attrs}), true)
			case proto.ComStmtSendLongData:
				param := int(d.uint16("parameter id"))
				if d.err == nil && param < st.params {
					st.longData[param] = append(st.longData[param], d.rest()...)
				}
			case proto.ComStmtReset:
				clear(st.longData)
				err = c.WriteOK(OKOptions{})
			case proto.ComStmtClose:
				delete(stmts, st.id)
			}
		case proto.ComPing, proto.ComInitDB, proto.ComResetConnection:
			if cmd == proto.ComResetConnection {
				clear(stmts)
			}
			err = c.WriteOK(OKOptions{})
		case proto.ComSetOption:
			err = c.WriteEOF(0, 0)
		default:
			err = c.WriteERR(1047, "08S01", fmt.Sprintf("Unknown command 0x%02x (mysqltest fake server)", cmd))
		}
		if err != nil {
			if isConnGone(err) {
				return nil
			}
			return err
		}
	}
}

// writeResults sends a handler's results, chained with
// proto.StatusMoreResultsExist; no results is a plain OK.
func (c *FakeConn) writeResults(results []Result, binaryRows bool) error {
	if len(results) == 0 {
		return c.WriteOK(OKOptions{})
	}
	for i, r := range results {
		if err := c.writeResult(r, i < len(results)-1, binaryRows); err != nil {
			return err
		}
	}
	return nil
}

// isConnGone reports whether err means the client closed or reset the
// connection (or the server closed it).
func isConnGone(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, net.ErrClosed) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE)
}
