package mysqltest

// Query attributes (CLIENT_QUERY_ATTRIBUTES): the fake server offers them when a script
// announces proto.ClientQueryAttributes in HandshakeOptions.Capabilities, and, once the client
// has negotiated them, ServeQueries decodes them from COM_QUERY and COM_STMT_EXECUTE into
// Query.Attrs.

import (
	"errors"
	"fmt"

	"github.com/myxdb/myx/mysqltest/proto"
)

// QueryAttr is one query attribute a client sent with a statement.
type QueryAttr struct {
	// Name is the attribute's name ("" for an unnamed extra parameter).
	Name string
	// Value is decoded as Query.Args are: nil for NULL, []byte for a string.
	Value any
}

// parameterCountAvailable is COM_STMT_EXECUTE's PARAMETER_COUNT_AVAILABLE flag.
const parameterCountAvailable = 0x08

// ParseQuery decodes a COM_QUERY payload (after the command byte) sent with the capabilities
// caps: with proto.ClientQueryAttributes, the parameter count, the parameter set count (which
// must be 1), the NULL bitmap, the new-params-bound flag (which must be 1), each attribute's
// type and name and each value precede the text. It returns the text and the attributes (nil
// if none).
func ParseQuery(payload []byte, caps uint64) (string, []QueryAttr, error) {
	if caps&proto.ClientQueryAttributes == 0 {
		return string(payload), nil, nil
	}
	d := &decoder{buf: payload}
	n := d.lenEncInt("parameter count")
	sets := d.lenEncInt("parameter set count")
	if d.err != nil {
		return "", nil, d.err
	}
	if sets != 1 {
		return "", nil, fmt.Errorf("mysqltest: COM_QUERY parameter set count %d, want 1", sets)
	}
	if n > uint64(d.remaining()) {
		return "", nil, fmt.Errorf("mysqltest: COM_QUERY parameter count %d exceeds the packet", n)
	}
	var attrs []QueryAttr
	if n > 0 {
		nulls := d.bytes(int(n+7)/8, "NULL bitmap")
		if bound := d.byte1("new params bound flag"); d.err == nil && bound != 1 {
			return "", nil, fmt.Errorf("mysqltest: COM_QUERY new params bound flag %d, want 1", bound)
		}
		types := make([]byte, 2*n)
		attrs = make([]QueryAttr, n)
		for i := range attrs {
			copy(types[2*i:], d.bytes(2, "parameter type"))
			attrs[i].Name = string(d.lenEncBytes("parameter name"))
		}
		if d.err != nil {
			return "", nil, d.err
		}
		for i := range attrs {
			if nulls[i/8]&(1<<(i%8)) != 0 {
				continue
			}
			v, err := decodeBinaryParam(d, types[2*i], types[2*i+1]&0x80 != 0)
			if err != nil {
				return "", nil, fmt.Errorf("mysqltest: query attribute %d: %w", i, err)
			}
			attrs[i].Value = v
		}
	}
	if d.err != nil {
		return "", nil, d.err
	}
	return string(d.rest()), attrs, nil
}

// decodeExecuteAttrs parses a COM_STMT_EXECUTE payload (after the command byte) for st,
// returning the statement's arguments and, with query attributes (qa), the parameters sent
// beyond the statement's own as attributes. With qa, a parameter count follows the iteration
// count when the statement has parameters or the PARAMETER_COUNT_AVAILABLE flag is set, and
// each parameter type is followed by a name.
func decodeExecuteAttrs(d *decoder, st *fakeStmt, qa bool) ([]any, []QueryAttr, error) {
	flags := d.byte1("flags")
	d.uint32("iteration count")
	if d.err != nil {
		return nil, nil, d.err
	}
	n := st.params
	if qa && (st.params > 0 || flags&parameterCountAvailable != 0) {
		count := d.lenEncInt("parameter count")
		if d.err != nil {
			return nil, nil, d.err
		}
		if count < uint64(st.params) || count > uint64(d.remaining()) {
			return nil, nil, fmt.Errorf("mysqltest: parameter count %d for a statement with %d parameters", count, st.params)
		}
		n = int(count)
	}
	if n == 0 {
		return nil, nil, nil
	}
	nulls := d.bytes((n+7)/8, "NULL bitmap")
	bound := d.byte1("new params bound flag")
	if d.err != nil {
		return nil, nil, d.err
	}
	var names []string
	if bound == 1 {
		st.types = st.types[:0]
		for range n {
			st.types = append(st.types, d.bytes(2, "parameter type")...)
			if qa {
				names = append(names, string(d.lenEncBytes("parameter name")))
			}
		}
	} else if st.types == nil {
		return nil, nil, errors.New("mysqltest: first execution of a statement did not send parameter types")
	} else if len(st.types) != 2*n {
		return nil, nil, errors.New("mysqltest: an execution that did not bind types sent a different parameter count")
	}
	if d.err != nil {
		return nil, nil, d.err
	}
	values := make([]any, n)
	for i := range values {
		if data, ok := st.longData[i]; ok && i < st.params {
			values[i] = data
			continue
		}
		if nulls[i/8]&(1<<(i%8)) != 0 {
			continue
		}
		v, err := decodeBinaryParam(d, st.types[2*i], st.types[2*i+1]&0x80 != 0)
		if err != nil {
			return nil, nil, fmt.Errorf("mysqltest: parameter %d: %w", i, err)
		}
		values[i] = v
	}
	if d.err == nil && d.remaining() != 0 {
		return nil, nil, fmt.Errorf("mysqltest: %d unexpected bytes after the parameters of COM_STMT_EXECUTE", d.remaining())
	}
	if d.err != nil {
		return nil, nil, d.err
	}
	var attrs []QueryAttr
	for i := st.params; i < n; i++ {
		var name string
		if names != nil {
			name = names[i]
		}
		attrs = append(attrs, QueryAttr{Name: name, Value: values[i]})
	}
	if st.params == 0 {
		values = nil
	}
	return values[:st.params:st.params], attrs, nil
}
