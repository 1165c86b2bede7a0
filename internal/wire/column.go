package wire

// ColumnDef is a decoded column definition (protocol 4.1). Byte slices point into the payload.
type ColumnDef struct {
	Schema   []byte
	Table    []byte
	OrgTable []byte
	Name     []byte
	OrgName  []byte
	// ExtType and ExtFormat are MariaDB's extended metadata, when negotiated: the data type
	// name of plugin types ("uuid", "inet6", "point") and the format of a string column
	// ("json").
	ExtType   []byte
	ExtFormat []byte
	Collation uint16
	Length    uint32
	Type      byte
	Flags     uint16
	Decimals  byte
}

// ParseColumnDef decodes a column definition payload. extended reports whether
// MARIADB_CLIENT_EXTENDED_METADATA was negotiated.
func ParseColumnDef(p []byte, extended bool) (ColumnDef, error) {
	var d ColumnDef
	c := cursor{b: p}
	c.lenBytes() // catalog, always "def"
	d.Schema = c.lenBytes()
	d.Table = c.lenBytes()
	d.OrgTable = c.lenBytes()
	d.Name = c.lenBytes()
	d.OrgName = c.lenBytes()
	if extended {
		info := c.lenBytes()
		ic := cursor{b: info}
		for ic.remaining() > 0 && !ic.bad {
			kind := ic.u8()
			v := ic.lenBytes()
			switch kind {
			case 0: // data type name
				d.ExtType = v
			case 1: // format
				d.ExtFormat = v
			}
		}
		if ic.bad {
			return d, malformed("column extended metadata")
		}
	}
	if n := c.lenInt(); n < 0x0c && !c.bad {
		return d, malformed("column definition fixed fields")
	}
	d.Collation = c.u16()
	d.Length = c.u32()
	d.Type = c.u8()
	d.Flags = c.u16()
	d.Decimals = c.u8()
	if c.bad {
		return d, malformed("truncated column definition")
	}
	return d, nil
}
