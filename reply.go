package myx

// The session core: reading replies. The one place that reads OK, ERR and EOF packets, result
// set headers and column definitions, the reply to a prepare, and the one row loop
// (nextRowPacket) that Rows, Batch, ExecMany and prepared statements read rows through.

import (
	"errors"

	"github.com/myxdb/myx/internal/wire"
)

// A responseReader holds the connection while the caller reads a response at its own pace: a
// Rows streaming a result, a BatchResults reading the replies to a batch. While one does, the
// connection runs no other command (ErrConnBusy); the reader gives the connection back when it
// has read the response to its end.
type responseReader interface {
	// abandon ends the reading at once with err, without reading any further: the connection
	// is going away.
	abandon(err error)
}

// readPacket reads the next packet of a response; a failure closes the connection.
func (c *Conn) readPacket() ([]byte, error) {
	p, err := c.rd.Next()
	if err != nil {
		return nil, c.fail("read", err, false)
	}
	if c.awaitReply {
		c.awaitReply = false
		c.stats.RoundTrips++
	}
	return p, nil
}

// serverError decodes an ERR packet into a *MySQLError (or a ConnError when it is malformed).
// Every ERR the connection receives goes through here. An ERR ends the response it is part of:
// no more results follow.
func (c *Conn) serverError(p []byte) error {
	c.status &^= wire.StatusMoreResultsExists
	e, err := wire.ParseERR(p)
	if err != nil {
		return c.fail("read", err, false)
	}
	me := &MySQLError{Number: e.Number, SQLState: e.SQLState, Message: e.Message}
	if c.cfg.RejectReadOnly && readOnlyRefusal(me.EffectiveNumber()) {
		// Connected to a read-only node (a writer demoted in a failover): close, so that the
		// pool replaces the connection instead of failing every write on it.
		c.shutdown()
	}
	return me
}

// noteOK records the server status and session changes carried by an OK packet. An OK whose
// only news is the GTID of a commit (Config.TrackGTID) does not make the session changed.
func (c *Conn) noteOK(ok *wire.OK) {
	c.status = ok.Status
	changed := ok.Status&wire.StatusSessionStateChange != 0
	if len(ok.SessionState) > 0 {
		onlyGTID := true
		wire.ParseSessionState(ok.SessionState, func(kind byte, name, value []byte) {
			if c.gtidTracking && c.noteGTID(kind, name, value) {
				return
			}
			onlyGTID = false
			if kind == wire.SessionTrackSystemVariables && string(name) == "character_set_client" {
				c.charset = string(value)
			}
		})
		if onlyGTID {
			changed = false
		}
	}
	if changed {
		c.sessionChanged = true
	}
}

// readExecResponse reads a whole response, discarding rows, summing the OK packets.
func (c *Conn) readExecResponse(binary bool, st *stmt, files []*LocalFile) (Result, error) {
	var res Result
	var firstErr error
	for n := 0; ; n++ {
		rs, err := c.readHead(binary, st, files)
		if err != nil {
			if firstErr != nil {
				return res, firstErr
			}
			return res, err
		}
		if rs.cols == nil {
			res.addStatement(n, StatementResult{rs.ok.AffectedRows, rs.ok.LastInsertID})
			res.add(&rs.ok)
		} else {
			res.addStatement(n, StatementResult{})
			if err := c.skipRows(); err != nil {
				return res, err
			}
		}
		if errors.Is(rs.fileErr, ErrLocalInfileDenied) || rs.fileErr != nil {
			firstErr = rs.fileErr
		}
		if c.status&wire.StatusMoreResultsExists == 0 {
			return res, firstErr
		}
	}
}

// head is the start of one result in a response: either an OK (cols == nil) or the column
// metadata of a result set.
type head struct {
	ok      wire.OK
	cols    []Column
	types   []byte
	fileErr error
}

// readHead reads the first packets of one result.
func (c *Conn) readHead(binary bool, st *stmt, files []*LocalFile) (head, error) {
	var h head
	p, err := c.readPacket()
	if err != nil {
		return h, err
	}
	if len(p) == 0 {
		return h, c.fail("read", errors.New("empty response packet"), false)
	}
	switch p[0] {
	case wire.HeaderOK:
		h.ok, err = c.parseOK(p)
		if err != nil {
			return h, c.fail("read", err, false)
		}
		c.noteOK(&h.ok)
		return h, nil
	case wire.HeaderERR:
		return h, c.serverError(p)
	case wire.HeaderLocalInfile:
		if binary {
			return h, c.fail("read", errors.New("LOCAL INFILE request in reply to a prepared statement"), false)
		}
		name, _ := wire.LocalInfileRequest(p)
		h.fileErr = c.sendLocalFile(name, files)
		if c.closed {
			return h, h.fileErr
		}
		nh, err := c.readHead(false, nil, nil)
		nh.fileErr = h.fileErr
		return nh, err
	}
	n, metaFollows, err := wire.ParseColumnCount(p, c.caps)
	if err != nil {
		return h, c.fail("read", err, false)
	}
	if !metaFollows {
		if st == nil || len(st.cols) != n {
			return h, c.fail("read", errors.New("server skipped column metadata the client does not have"), false)
		}
		h.cols, h.types = st.cols, st.types
		return h, nil
	}
	h.cols, h.types, err = c.readColumns(n)
	if err != nil {
		return h, err
	}
	if st != nil {
		st.cols, st.types = h.cols, h.types
	}
	return h, nil
}

// readColumns reads n column definitions (and the EOF after them without DEPRECATE_EOF).
func (c *Conn) readColumns(n int) ([]Column, []byte, error) {
	cols := make([]Column, n)
	types := make([]byte, n)
	ext := c.caps&wire.MariaDBClientExtendedMetadata != 0
	if c.colCache == nil {
		c.colCache = make(map[string]*Column)
	}
	for i := range cols {
		p, err := c.readPacket()
		if err != nil {
			return nil, nil, err
		}
		if col, ok := c.colCache[string(p)]; ok {
			cols[i] = *col
		} else {
			d, err := wire.ParseColumnDef(p, ext)
			if err != nil {
				return nil, nil, c.fail("read", err, false)
			}
			cols[i] = newColumn(&d)
			if len(c.colCache) >= 4096 {
				clear(c.colCache)
			}
			col := cols[i]
			c.colCache[string(p)] = &col
		}
		types[i] = byte(cols[i].Type)
	}
	if c.caps&wire.ClientDeprecateEOF == 0 {
		if err := c.readEOF(); err != nil {
			return nil, nil, err
		}
	}
	return cols, types, nil
}

func (c *Conn) readEOF() error {
	p, err := c.readPacket()
	if err != nil {
		return err
	}
	if !wire.IsEOF(p) {
		return c.fail("read", errors.New("expected EOF packet"), false)
	}
	return nil
}

// nextRowPacket is the row loop's step, the one every reader of rows goes through (Rows,
// skipping and draining, Batch, ExecMany, prepared statements): it reads the next packet of the
// current result set and returns a row's packet, valid until the next read. At the end of the
// result set it returns nil and a nil error, having recorded the server status (and the warning
// count into res, unless res is nil). An ERR packet is returned as the server's error and ends
// the response; any other failure closes the connection.
func (c *Conn) nextRowPacket(res *Result) ([]byte, error) {
	p, err := c.readPacket()
	if err != nil {
		return nil, err
	}
	if len(p) == 0 {
		return nil, c.fail("read", errors.New("empty row packet"), false)
	}
	switch p[0] {
	case wire.HeaderERR:
		return nil, c.serverError(p)
	case wire.HeaderEOF:
		if deprecateEOF := c.caps&wire.ClientDeprecateEOF != 0; wire.IsResultEnd(p, deprecateEOF) {
			return nil, c.readResultEnd(p, deprecateEOF, res)
		}
	}
	return p, nil
}

// skipRows reads and discards rows up to the end of the current result set.
func (c *Conn) skipRows() error {
	for {
		p, err := c.nextRowPacket(nil)
		if p == nil {
			return err
		}
	}
}

// readResultEnd decodes the packet that ends a result set and records the status.
func (c *Conn) readResultEnd(p []byte, deprecateEOF bool, res *Result) error {
	if deprecateEOF {
		ok, err := c.parseOK(p)
		if err != nil {
			return c.fail("read", err, false)
		}
		c.noteOK(&ok)
		if res != nil {
			res.Warnings = ok.Warnings
		}
		return nil
	}
	warnings, status, err := wire.ParseEOF(p)
	if err != nil {
		return c.fail("read", err, false)
	}
	c.status = status
	if status&wire.StatusSessionStateChange != 0 {
		c.sessionChanged = true
	}
	if res != nil {
		res.Warnings = warnings
	}
	return nil
}

// discardResponse reads whatever remains of the current response.
func (c *Conn) discardResponse() {
	for !c.closed && c.status&wire.StatusMoreResultsExists != 0 {
		h, err := c.readHead(false, nil, nil)
		if err != nil {
			return
		}
		if h.cols != nil && c.skipRows() != nil {
			return
		}
	}
}

// readOK reads a command's reply that is an OK or an ERR (a *MySQLError); anything else closes
// the connection.
func (c *Conn) readOK() error {
	p, err := c.readPacket()
	if err != nil {
		return err
	}
	switch {
	case len(p) > 0 && p[0] == wire.HeaderOK:
		ok, err := c.parseOK(p)
		if err != nil {
			return c.fail("read", err, false)
		}
		c.noteOK(&ok)
		return nil
	case len(p) > 0 && p[0] == wire.HeaderERR:
		return c.serverError(p)
	}
	return c.fail("read", errors.New("unexpected reply"), false)
}

// dropResponse reads and discards a whole response to a statement (prepared st, or nil for
// text), errors included; the error returned is the server's or the one that closed the
// connection.
func (c *Conn) dropResponse(st *stmt) error {
	c.status = 0
	h, err := c.readHead(true, st, nil)
	if err != nil {
		return err
	}
	if h.cols != nil {
		if err := c.skipRows(); err != nil {
			return err
		}
	}
	c.discardResponse()
	return nil
}

// readPrepare reads a COM_STMT_PREPARE response.
func (c *Conn) readPrepare(query string) (*stmt, error) {
	p, err := c.readPacket()
	if err != nil {
		return nil, err
	}
	if len(p) > 0 && p[0] == wire.HeaderERR {
		return nil, c.serverError(p)
	}
	pok, err := wire.ParsePrepareOK(p)
	if err != nil {
		return nil, c.fail("read", err, false)
	}
	st := &stmt{id: pok.StmtID, query: query, params: int(pok.Params), flags: c.classify(query)}
	c.noteStatement(st.flags)
	if pok.Params > 0 {
		// Parameter definitions carry nothing the client needs.
		for range pok.Params {
			if _, err := c.readPacket(); err != nil {
				return nil, err
			}
		}
		if c.caps&wire.ClientDeprecateEOF == 0 {
			if err := c.readEOF(); err != nil {
				return nil, err
			}
		}
	}
	if pok.Columns > 0 {
		st.cols, st.types, err = c.readColumns(int(pok.Columns))
		if err != nil {
			return nil, err
		}
	}
	return st, nil
}

// parseOK parses an OK packet. TiDB writes the info text ("Records: 2  Duplicates: 0 ...")
// length-encoded whether or not CLIENT_SESSION_TRACK was agreed, so for TiDB the packet is
// read as if it had been; other servers follow the capability.
func (c *Conn) parseOK(p []byte) (wire.OK, error) {
	caps := c.caps
	if c.server.Flavor == TiDB {
		caps |= wire.ClientSessionTrack
	}
	return wire.ParseOK(p, caps)
}
