package wire

// Query attributes (CLIENT_QUERY_ATTRIBUTES, MySQL 8.0.23+): named values sent with a
// statement, in COM_QUERY and COM_STMT_EXECUTE, which the server keeps for the statement's
// duration (mysql_query_attribute_string() and the server's telemetry read them).

// ExecuteParamCountAvailable is the COM_STMT_EXECUTE flag that says a parameter count follows
// the iteration count (PARAMETER_COUNT_AVAILABLE); with CLIENT_QUERY_ATTRIBUTES it lets a
// statement without placeholders carry attributes.
const ExecuteParamCountAvailable byte = 0x08

// QueryAttr is one query attribute: a name and its string value.
type QueryAttr struct {
	Name, Value string
}

// AppendQueryAttrs appends COM_QUERY of query in the form it has once CLIENT_QUERY_ATTRIBUTES
// is negotiated: the command byte, the parameter count and the parameter set count (always 1)
// as length-encoded integers, then, when there are attributes, the NULL bitmap (no attribute
// is NULL), the new-params-bound flag (1), each attribute's type and flags (a string) and
// length-encoded name, each value as a length-encoded string, and finally the statement text.
// Every COM_QUERY of such a connection must take this form, with no attributes if none.
func AppendQueryAttrs(dst []byte, attrs []QueryAttr, query string) []byte {
	dst = append(dst, ComQuery)
	dst = AppendLenEncInt(dst, uint64(len(attrs)))
	dst = append(dst, 1) // parameter_set_count
	if len(attrs) > 0 {
		dst = appendNoNulls(dst, len(attrs))
		dst = append(dst, 1)
		dst = AppendAttrTypes(dst, attrs)
		dst = AppendAttrValues(dst, attrs)
	}
	return append(dst, query...)
}

// appendNoNulls appends a NULL bitmap for n values, none NULL.
func appendNoNulls(dst []byte, n int) []byte {
	for range (n + 7) / 8 {
		dst = append(dst, 0)
	}
	return dst
}

// AppendAttrTypes appends the parameter type entries of attrs as a statement with
// CLIENT_QUERY_ATTRIBUTES carries them after its own parameters' entries: the type (a string),
// the flags byte (0) and the length-encoded name.
func AppendAttrTypes(dst []byte, attrs []QueryAttr) []byte {
	for _, a := range attrs {
		dst = append(dst, TypeVarString, 0)
		dst = AppendLenEncString(dst, a.Name)
	}
	return dst
}

// AppendAttrValues appends the values of attrs as length-encoded strings, as they follow the
// values of a statement's own parameters.
func AppendAttrValues(dst []byte, attrs []QueryAttr) []byte {
	for _, a := range attrs {
		dst = AppendLenEncString(dst, a.Value)
	}
	return dst
}
