package cluster

// Read-your-writes: the GTID position, a value that says which transactions a reader must
// see. It covers both flavours of the family: MariaDB's GTID lists and MySQL's GTID sets.

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
)

// Position is a replication position: the transactions a read must be able to see. It is
// one of, or (for a configuration that mixes servers) a union of:
//
//   - a MariaDB GTID list, comma-separated "domain-server-seq" triples such as
//     "0-1-42,1-2-7" (the form of @@gtid_binlog_pos, @@gtid_slave_pos and @@last_gtid). Per
//     replication domain only the highest sequence number counts; the server id is carried
//     along but takes no part in comparisons, as in MASTER_GTID_WAIT: a replica has applied
//     a position when, for every domain of the position, its own position has that domain
//     with a sequence number at least as high;
//   - a MySQL GTID set, "uuid:1-5:7,uuid2:1-3" (the form of @@gtid_executed), tagged GTIDs
//     of MySQL 8.3 and later included ("uuid:tag:1-5"). A replica has applied it when the
//     set is a subset of the replica's @@gtid_executed.
//
// The zero Position is empty: every server has applied it. A Position is an immutable
// value, safe to copy and to share between goroutines. Two Positions are == when their
// canonical text (String) is the same; MariaDB positions that differ only in server ids
// are not ==, yet each is CoveredBy the other.
type Position struct {
	text string // canonical, as String returns it; "" for the zero Position
}

// PositionError is the error of ParsePosition (and of Session.Observe) for text that is not
// a GTID position. Text is the input (cut to 100 bytes), Element the comma-separated element
// at fault, Reason what is wrong with it.
type PositionError struct {
	Text    string
	Element string
	Reason  string
}

func (e *PositionError) Error() string {
	s := "cluster: bad GTID position " + strconv.Quote(e.Text)
	if e.Element != "" && e.Element != e.Text {
		s += ": element " + strconv.Quote(e.Element)
	}
	return s + ": " + e.Reason
}

// ParsePosition reads a position in any of the forms Position describes: what a server
// reports (@@gtid_binlog_pos, @@gtid_current_pos, @@gtid_executed with its line breaks,
// @@last_gtid), what String returns, or several of these joined with commas. Space around
// elements is ignored; the empty string (or only space) is the zero Position. Anything else
// fails with a *PositionError: an empty element, a number out of range (MariaDB domain and
// server ids are 32-bit, sequence numbers 64-bit; MySQL transaction numbers are 1 to
// 2^63-1), an interval whose end is below its start, a malformed UUID or tag. For every
// text it accepts, ParsePosition(p.String()) gives p back.
func ParsePosition(s string) (Position, error) {
	g, err := parseGTIDs(s)
	if err != nil {
		return Position{}, err
	}
	return g.position(), nil
}

// String returns the canonical text of p: its MariaDB GTIDs first, one per domain in domain
// order, then its MySQL GTID sets in UUID order (lower case, intervals merged and sorted, the
// untagged ones before the tags in tag order), all joined by commas, without spaces; "" for
// the zero Position. The same position always gives the same text, in every version of this
// package, and ParsePosition reads it back.
//
// The text holds only digits, lower-case letters, '_', '-', ':' and ','. It may be kept in a
// web session or a cookie: net/http's SetCookie puts a value with a comma in double quotes
// and Request.Cookie takes them off again, so the text comes back unchanged (other cookie
// libraries may need the value escaped, url.QueryEscape for instance). Treat a position that
// comes back from a client as that client's hint about itself: a forged one can only cost the
// client, whose reads then wait up to the read-your-writes bound and go to the primary (a
// position far ahead) or may miss its own latest writes (one behind). Other clients' reads
// stay correct, but each such read holds a replica connection for the bound: keep the bound
// short, or sign the cookie, where clients cannot be trusted.
func (p Position) String() string { return p.text }

// IsZero reports whether p is the empty position, which every server has applied.
func (p Position) IsZero() bool { return p.text == "" }

// MarshalText returns String's text, so that a Position can be a JSON string or a form value.
func (p Position) MarshalText() ([]byte, error) { return []byte(p.text), nil }

// UnmarshalText sets *p to the position ParsePosition reads from text; on error *p is left
// unchanged.
func (p *Position) UnmarshalText(text []byte) error {
	q, err := ParsePosition(string(text))
	if err != nil {
		return err
	}
	*p = q
	return nil
}

// Merge returns the position that covers both p and q: per MariaDB domain the higher
// sequence number, for MySQL the union of the sets. It is commutative and associative;
// merging a position with itself or with the zero Position returns it unchanged.
func (p Position) Merge(q Position) Position {
	switch {
	case q.text == "" || q.text == p.text:
		return p
	case p.text == "":
		return q
	}
	a, b := p.parsed(), q.parsed()
	return gtids{
		maria: normalizeMaria(append(a.maria, b.maria...)),
		mysql: normalizeMySQL(append(a.mysql, b.mysql...)),
	}.position()
}

// CoveredBy reports whether a server whose applied position is applied has applied every
// transaction of p: each MariaDB domain of p is in applied with at least p's sequence number,
// and p's MySQL GTID set is a subset of applied's. The zero Position is covered by every
// position. Server ids play no part.
func (p Position) CoveredBy(applied Position) bool {
	if p.text == "" || p.text == applied.text {
		return true
	}
	if applied.text == "" {
		return false
	}
	a, b := p.parsed(), applied.parsed()
	return coveredMaria(a.maria, b.maria) && coveredMySQL(a.mysql, b.mysql)
}

// mariaDBText is the MariaDB part of p, as MASTER_GTID_WAIT takes it.
func (p Position) mariaDBText() string { return p.parsed().mariaText() }

// mysqlText is the MySQL part of p, as WAIT_FOR_EXECUTED_GTID_SET takes it.
func (p Position) mysqlText() string { return p.parsed().mysqlText() }

// parsed reads p's canonical text, which ParsePosition produced and therefore parses.
func (p Position) parsed() gtids {
	g, _ := parseGTIDs(p.text)
	return g
}

// gtids is a position taken apart: MariaDB GTIDs sorted by domain, one per domain, and MySQL
// GTID sets sorted by UUID and tag, one per pair, their intervals sorted and merged.
type gtids struct {
	maria []mariaGTID
	mysql []mysqlSet
}

type mariaGTID struct {
	domain, server uint32
	seq            uint64
}

type mysqlSet struct {
	uuid string // 36 characters, lower case
	tag  string // "" or a lower-case tag
	ivs  []interval
}

// interval is the transaction numbers lo to hi, both included.
type interval struct{ lo, hi uint64 }

// maxGNO is the highest MySQL transaction number (GNO), 2^63-1.
const maxGNO = 1<<63 - 1

// maxTagLen is the length limit of a MySQL GTID tag.
const maxTagLen = 32

func (g gtids) position() Position {
	var b strings.Builder
	b.Grow(g.textSize())
	g.appendMaria(&b)
	g.appendMySQL(&b)
	return Position{text: b.String()}
}

// textSize is about the length of g's text: enough for the common cases, which then take one
// allocation.
func (g gtids) textSize() int {
	n := 24 * len(g.maria)
	for _, s := range g.mysql {
		n += 38 + len(s.tag) + 16*len(s.ivs)
	}
	return n
}

func (g gtids) mariaText() string {
	var b strings.Builder
	g.appendMaria(&b)
	return b.String()
}

func (g gtids) mysqlText() string {
	var b strings.Builder
	g.appendMySQL(&b)
	return b.String()
}

func (g gtids) appendMaria(b *strings.Builder) {
	var num [20]byte
	for _, m := range g.maria {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.Write(strconv.AppendUint(num[:0], uint64(m.domain), 10))
		b.WriteByte('-')
		b.Write(strconv.AppendUint(num[:0], uint64(m.server), 10))
		b.WriteByte('-')
		b.Write(strconv.AppendUint(num[:0], m.seq, 10))
	}
}

func (g gtids) appendMySQL(b *strings.Builder) {
	var num [20]byte
	for i, s := range g.mysql {
		if i == 0 || s.uuid != g.mysql[i-1].uuid {
			if b.Len() > 0 {
				b.WriteByte(',')
			}
			b.WriteString(s.uuid)
		}
		if s.tag != "" {
			b.WriteByte(':')
			b.WriteString(s.tag)
		}
		for _, iv := range s.ivs {
			b.WriteByte(':')
			b.Write(strconv.AppendUint(num[:0], iv.lo, 10))
			if iv.hi != iv.lo {
				b.WriteByte('-')
				b.Write(strconv.AppendUint(num[:0], iv.hi, 10))
			}
		}
	}
}

// parseGTIDs reads s (see ParsePosition) into its canonical parts.
func parseGTIDs(s string) (gtids, error) {
	var g gtids
	if strings.TrimSpace(s) == "" {
		return g, nil
	}
	fail := func(elem, reason string) (gtids, error) {
		text := s
		if len(text) > 100 {
			text = text[:100]
		}
		if len(elem) > 100 {
			elem = elem[:100]
		}
		return gtids{}, &PositionError{Text: text, Element: elem, Reason: reason}
	}
	for elem := range strings.SplitSeq(s, ",") {
		elem = strings.TrimSpace(elem)
		if elem == "" {
			return fail(elem, "empty element")
		}
		if strings.IndexByte(elem, ':') < 0 {
			m, reason := parseMariaGTID(elem)
			if reason != "" {
				return fail(elem, reason)
			}
			g.maria = append(g.maria, m)
			continue
		}
		sets, reason := parseMySQLElement(elem)
		if reason != "" {
			return fail(elem, reason)
		}
		g.mysql = append(g.mysql, sets...)
	}
	g.maria = normalizeMaria(g.maria)
	g.mysql = normalizeMySQL(g.mysql)
	return g, nil
}

// parseMariaGTID reads "domain-server-seq"; reason says what is wrong, "" when nothing is.
func parseMariaGTID(elem string) (mariaGTID, string) {
	domain, rest, ok1 := strings.Cut(elem, "-")
	server, sequence, ok2 := strings.Cut(rest, "-")
	if !ok1 || !ok2 || strings.IndexByte(sequence, '-') >= 0 {
		return mariaGTID{}, "a MariaDB GTID is domain-server-seq and a MySQL GTID set uuid:interval"
	}
	d, ok1 := parseDecimal(domain, 1<<32-1)
	sv, ok2 := parseDecimal(server, 1<<32-1)
	seq, ok3 := parseDecimal(sequence, 1<<64-1)
	switch {
	case !ok1:
		return mariaGTID{}, "domain id is not a number from 0 to 4294967295"
	case !ok2:
		return mariaGTID{}, "server id is not a number from 0 to 4294967295"
	case !ok3:
		return mariaGTID{}, "sequence number is not a number from 0 to 18446744073709551615"
	}
	return mariaGTID{domain: uint32(d), server: uint32(sv), seq: seq}, ""
}

// parseMySQLElement reads "uuid[:interval...][:tag:interval...]...", each tag followed by at
// least one interval and at least one interval in all.
func parseMySQLElement(elem string) ([]mysqlSet, string) {
	uuid, rest, _ := strings.Cut(elem, ":")
	u, ok := canonicalUUID(uuid)
	if !ok {
		return nil, "the UUID of a MySQL GTID set is 8-4-4-4-12 hexadecimal digits"
	}
	var sets []mysqlSet
	cur := mysqlSet{uuid: u}
	for part := range strings.SplitSeq(rest, ":") {
		if part == "" {
			return nil, "empty interval or tag"
		}
		if c := part[0]; c >= '0' && c <= '9' {
			iv, reason := parseInterval(part)
			if reason != "" {
				return nil, reason
			}
			cur.ivs = append(cur.ivs, iv)
			continue
		}
		tag, ok := canonicalTag(part)
		if !ok {
			return nil, "a tag is a letter or '_' followed by at most 31 letters, digits or '_'"
		}
		if len(cur.ivs) > 0 {
			sets = append(sets, cur)
		} else if cur.tag != "" {
			return nil, "tag " + strconv.Quote(cur.tag) + " has no interval"
		}
		cur = mysqlSet{uuid: u, tag: tag}
	}
	if len(cur.ivs) == 0 {
		if cur.tag != "" {
			return nil, "tag " + strconv.Quote(cur.tag) + " has no interval"
		}
		return nil, "no interval after the UUID"
	}
	return append(sets, cur), ""
}

func parseInterval(part string) (interval, string) {
	lo, hi, isRange := strings.Cut(part, "-")
	a, ok := parseDecimal(lo, maxGNO)
	if !ok || a == 0 {
		return interval{}, "a transaction number is from 1 to 9223372036854775807"
	}
	if !isRange {
		return interval{a, a}, ""
	}
	b, ok := parseDecimal(hi, maxGNO)
	if !ok || b == 0 {
		return interval{}, "a transaction number is from 1 to 9223372036854775807"
	}
	if b < a {
		return interval{}, "interval ends before it starts"
	}
	return interval{a, b}, ""
}

// parseDecimal reads s, only decimal digits (1 to 20 of them), as a number at most max.
func parseDecimal(s string, max uint64) (uint64, bool) {
	if s == "" || len(s) > 20 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseUint(s, 10, 64)
	return n, err == nil && n <= max
}

// canonicalUUID checks the 8-4-4-4-12 hexadecimal form and lowers its case.
func canonicalUUID(s string) (string, bool) {
	if len(s) != 36 {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return "", false
			}
		default:
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
				return "", false
			}
		}
	}
	return strings.ToLower(s), true
}

// canonicalTag checks a MySQL GTID tag and lowers its case (tags are case-insensitive).
func canonicalTag(s string) (string, bool) {
	if len(s) > maxTagLen {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
		if !letter && (i == 0 || c < '0' || c > '9') {
			return "", false
		}
	}
	return strings.ToLower(s), true
}

// normalizeMaria reduces all (which it owns, and reuses) to one GTID per domain (the highest
// sequence number; on a tie the lowest server id, so that the result does not depend on the
// order), sorted by domain.
func normalizeMaria(all []mariaGTID) []mariaGTID {
	slices.SortFunc(all, func(x, y mariaGTID) int {
		return cmp.Or(cmp.Compare(x.domain, y.domain), cmp.Compare(y.seq, x.seq), cmp.Compare(x.server, y.server))
	})
	return slices.CompactFunc(all, func(x, y mariaGTID) bool { return x.domain == y.domain })
}

// normalizeMySQL reduces all (which it owns, and reuses, interval slices included) to one
// set per UUID and tag, sorted, with their intervals sorted and merged (adjacent ones too:
// 1-3 and 4-5 are 1-5).
func normalizeMySQL(all []mysqlSet) []mysqlSet {
	if len(all) == 0 {
		return nil
	}
	slices.SortStableFunc(all, func(x, y mysqlSet) int {
		return cmp.Or(strings.Compare(x.uuid, y.uuid), strings.Compare(x.tag, y.tag))
	})
	out := all[:0]
	for i := 0; i < len(all); {
		j := i + 1
		ivs := all[i].ivs
		for ; j < len(all) && all[j].uuid == all[i].uuid && all[j].tag == all[i].tag; j++ {
			ivs = append(ivs, all[j].ivs...)
		}
		out = append(out, mysqlSet{uuid: all[i].uuid, tag: all[i].tag, ivs: normalizeIntervals(ivs)})
		i = j
	}
	return out
}

// normalizeIntervals sorts ivs (which it owns) and merges those that overlap or touch.
func normalizeIntervals(ivs []interval) []interval {
	slices.SortFunc(ivs, func(x, y interval) int { return cmp.Or(cmp.Compare(x.lo, y.lo), cmp.Compare(x.hi, y.hi)) })
	out := ivs[:1]
	for _, iv := range ivs[1:] {
		last := &out[len(out)-1]
		if iv.lo <= last.hi || iv.lo-1 == last.hi { // lo is at least 1: lo-1 does not wrap
			last.hi = max(last.hi, iv.hi)
			continue
		}
		out = append(out, iv)
	}
	return out
}

// coveredMaria: every domain of p is in applied with a sequence number at least p's. Both are
// sorted by domain, one entry per domain.
func coveredMaria(p, applied []mariaGTID) bool {
	return coveredSorted(p, applied,
		func(a, x mariaGTID) bool { return a.domain < x.domain },
		func(a, x mariaGTID) bool { return a.domain == x.domain && a.seq >= x.seq })
}

// coveredMySQL: p's set is a subset of applied's. Both canonical.
func coveredMySQL(p, applied []mysqlSet) bool {
	return coveredSorted(p, applied,
		func(a, x mysqlSet) bool { return a.uuid < x.uuid || a.uuid == x.uuid && a.tag < x.tag },
		func(a, x mysqlSet) bool {
			return a.uuid == x.uuid && a.tag == x.tag && intervalsCovered(x.ivs, a.ivs)
		})
}

// intervalsCovered: each interval of p lies inside one interval of applied (both sorted and
// merged, so an interval of p cannot span two of applied's).
func intervalsCovered(p, applied []interval) bool {
	return coveredSorted(p, applied,
		func(a, x interval) bool { return a.hi < x.lo },
		func(a, x interval) bool { return a.lo <= x.lo && a.hi >= x.hi })
}

// coveredSorted walks p and applied, both sorted in one order, in step: every element x of p
// must be covered by the first element a of applied that is not wholly before it.
func coveredSorted[T any](p, applied []T, before, covers func(a, x T) bool) bool {
	j := 0
	for _, x := range p {
		for j < len(applied) && before(applied[j], x) {
			j++
		}
		if j == len(applied) || !covers(applied[j], x) {
			return false
		}
	}
	return true
}
