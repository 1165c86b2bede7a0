package cluster

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

const (
	uuidA = "3e11fa47-71ca-11e1-9e33-c80aa9429562"
	uuidB = "8b9ab7b2-0d2c-11ef-a3b6-0242ac120002"
)

func mustParse(t testing.TB, s string) Position {
	t.Helper()
	p, err := ParsePosition(s)
	if err != nil {
		t.Fatalf("ParsePosition(%q): %v", s, err)
	}
	return p
}

func TestParsePositionCanonical(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", ""},
		{"  \n ", ""},
		{"0-1-42", "0-1-42"},
		{"1-2-7,0-1-42", "0-1-42,1-2-7"},
		// Per domain the highest sequence number counts, whatever the server.
		{"0-1-42,0-2-40", "0-1-42"},
		{"0-2-40,0-1-42", "0-1-42"},
		// A tie keeps the lowest server id, so that the order of the input does not matter.
		{"0-2-5,0-1-5", "0-1-5"},
		{"007-01-0042", "7-1-42"},
		{"4294967295-4294967295-18446744073709551615", "4294967295-4294967295-18446744073709551615"},
		// MySQL: UUIDs in lower case, intervals sorted and merged, adjacent ones too.
		{strings.ToUpper(uuidA) + ":1-5:7", uuidA + ":1-5:7"},
		{uuidA + ":7:1-3:4-5", uuidA + ":1-5:7"},
		{uuidA + ":3-9:1-4", uuidA + ":1-9"},
		{uuidA + ":5:5", uuidA + ":5"},
		{uuidB + ":1-3," + uuidA + ":1-5", uuidA + ":1-5," + uuidB + ":1-3"},
		{uuidA + ":1-3," + uuidA + ":4-6", uuidA + ":1-6"},
		// @@gtid_executed puts a line break after each comma.
		{uuidA + ":1-5,\n" + uuidB + ":1-3\n", uuidA + ":1-5," + uuidB + ":1-3"},
		{uuidA + ":9223372036854775807", uuidA + ":9223372036854775807"},
		// Tags (MySQL 8.3+): case-insensitive, untagged intervals first, then tags in order.
		{uuidA + ":Zeta:4:1-2:alpha:1", uuidA + ":alpha:1:zeta:1-2:4"},
		{uuidA + ":3:Zeta:4:alpha:1:1", uuidA + ":3:alpha:1:zeta:4"},
		{uuidA + ":t:1," + uuidA + ":2-3:t:2", uuidA + ":2-3:t:1-2"},
		{uuidA + ":_x9:1", uuidA + ":_x9:1"},
		// Both flavours at once: the MariaDB part first.
		{uuidA + ":1,0-1-2", "0-1-2," + uuidA + ":1"},
	}
	for _, c := range cases {
		p, err := ParsePosition(c.in)
		if err != nil {
			t.Errorf("ParsePosition(%q): %v", c.in, err)
			continue
		}
		if got := p.String(); got != c.want {
			t.Errorf("ParsePosition(%q).String() = %q, want %q", c.in, got, c.want)
		}
		if p.IsZero() != (c.want == "") {
			t.Errorf("ParsePosition(%q).IsZero() = %v", c.in, p.IsZero())
		}
		if q := mustParse(t, p.String()); q != p {
			t.Errorf("round trip of %q: %q", p, q)
		}
	}
}

func TestParsePositionRejects(t *testing.T) {
	bad := []string{
		",",
		"0-1-42,",
		"0-1-42,,1-2-3",
		"0-1",
		"0-1-2-3",
		"a-1-2",
		"-1-2",
		"0-1-",
		"0 -1-2",
		"+0-1-2",
		"4294967296-1-2",
		"0-4294967296-2",
		"0-1-18446744073709551616",
		"0-1-99999999999999999999999",
		uuidA,
		uuidA + ":",
		uuidA + "::1",
		uuidA + ":1:",
		uuidA + ":0",
		uuidA + ":0-3",
		uuidA + ":5-3",
		uuidA + ":1-",
		uuidA + ":-3",
		uuidA + ":1-2-3",
		uuidA + ":9223372036854775808",
		uuidA + ":tag",
		uuidA + ":tag:",
		uuidA + ":a:1:b",
		uuidA + ":a:b:1",
		uuidA + ":9tag:1",
		uuidA + ":ta-g:1",
		uuidA + ":" + strings.Repeat("t", 33) + ":1",
		"3e11fa47-71ca-11e1-9e33-c80aa942956:1",
		"3e11fa4771ca11e19e33c80aa9429562:1",
		"3e11fa47-71ca-11e1-9e33-c80aa942956g:1",
		"{3e11fa47-71ca-11e1-9e33-c80aa9429562}:1",
		"3e11fa47_71ca-11e1-9e33-c80aa9429562:1",
		"0-1-2;DROP TABLE t",
		"\"0-1-2\"",
	}
	for _, s := range bad {
		p, err := ParsePosition(s)
		var pe *PositionError
		if !errors.As(err, &pe) {
			t.Errorf("ParsePosition(%q) = %q, %v; want a *PositionError", s, p, err)
			continue
		}
		if !p.IsZero() {
			t.Errorf("ParsePosition(%q) failed but returned %q", s, p)
		}
		if pe.Reason == "" || !strings.Contains(err.Error(), "cluster: bad GTID position") {
			t.Errorf("ParsePosition(%q): error %q", s, err)
		}
	}
	// The error does not repeat a long input in full.
	_, err := ParsePosition(strings.Repeat("0-1-2,", 1000) + "x")
	if err == nil || len(err.Error()) > 400 {
		t.Errorf("long input: error %v (%d bytes)", err, len(err.Error()))
	}
}

func TestPositionCoveredBy(t *testing.T) {
	cases := []struct {
		p, applied string
		want       bool
	}{
		{"", "", true},
		{"", "0-1-5", true},
		{"0-1-5", "", false},
		{"0-1-5", "0-1-5", true},
		{"0-1-5", "0-1-6", true},
		{"0-1-6", "0-1-5", false},
		// The server id takes no part.
		{"0-1-5", "0-2-5", true},
		{"0-2-5", "0-1-9", true},
		// Every domain of p must be in applied; applied's other domains do not matter.
		{"0-1-5,1-1-3", "0-1-5", false},
		{"0-1-5", "0-1-5,1-1-3", true},
		{"0-1-5,2-1-3", "0-1-9,1-1-1,2-1-3", true},
		{"0-1-5,2-1-4", "0-1-9,1-1-1,2-1-3", false},
		{"1-1-1", "0-1-9,2-1-3", false},
		// MySQL: subset.
		{uuidA + ":3", uuidA + ":1-5", true},
		{uuidA + ":1-5", uuidA + ":1-5", true},
		{uuidA + ":1-6", uuidA + ":1-5", false},
		{uuidA + ":1-3:5", uuidA + ":1-4", false},
		{uuidA + ":1-3:5", uuidA + ":1-3:5-9", true},
		{uuidA + ":4-6", uuidA + ":1-5:7-9", false},
		{uuidA + ":6", uuidA + ":1-5:7-9", false},
		{uuidA + ":1", uuidB + ":1-9", false},
		{uuidA + ":1", uuidA + ":1," + uuidB + ":1-9", true},
		{uuidA + ":1," + uuidB + ":2", uuidA + ":1-9", false},
		{uuidA + ":t:1", uuidA + ":1-9", false},
		{uuidA + ":t:1", uuidA + ":1-9:t:1", true},
		{uuidA + ":1:t:1", uuidA + ":t:1-9", false},
		// Mixed: both parts must be covered.
		{"0-1-5," + uuidA + ":1", "0-1-5," + uuidA + ":1-2", true},
		{"0-1-5," + uuidA + ":1", "0-1-5", false},
		{"0-1-5," + uuidA + ":1", uuidA + ":1-2", false},
	}
	for _, c := range cases {
		p, a := mustParse(t, c.p), mustParse(t, c.applied)
		if got := p.CoveredBy(a); got != c.want {
			t.Errorf("%q.CoveredBy(%q) = %v, want %v", c.p, c.applied, got, c.want)
		}
	}
}

func TestPositionMerge(t *testing.T) {
	cases := []struct{ a, b, want string }{
		{"", "", ""},
		{"0-1-5", "", "0-1-5"},
		{"", "0-1-5", "0-1-5"},
		{"0-1-5", "0-1-5", "0-1-5"},
		{"0-1-5", "0-2-7", "0-2-7"},
		{"0-2-7", "0-1-5", "0-2-7"},
		{"0-1-5", "1-1-3", "0-1-5,1-1-3"},
		{"0-1-5,1-1-9", "1-1-3,2-3-4", "0-1-5,1-1-9,2-3-4"},
		{uuidA + ":1-3", uuidA + ":4-6", uuidA + ":1-6"},
		{uuidA + ":1-3", uuidA + ":5", uuidA + ":1-3:5"},
		{uuidA + ":1-3", uuidB + ":5", uuidA + ":1-3," + uuidB + ":5"},
		{uuidA + ":1:t:2", uuidA + ":u:3", uuidA + ":1:t:2:u:3"},
		{"0-1-5", uuidA + ":1", "0-1-5," + uuidA + ":1"},
	}
	for _, c := range cases {
		a, b := mustParse(t, c.a), mustParse(t, c.b)
		got := a.Merge(b)
		if got.String() != c.want {
			t.Errorf("%q.Merge(%q) = %q, want %q", c.a, c.b, got, c.want)
		}
		if rev := b.Merge(a); rev != got {
			t.Errorf("Merge is not commutative: %q.Merge(%q) = %q, reversed %q", c.a, c.b, got, rev)
		}
		if !a.CoveredBy(got) || !b.CoveredBy(got) {
			t.Errorf("%q.Merge(%q) = %q does not cover both", c.a, c.b, got)
		}
		// The operands are values: merging did not change them.
		if a.String() != mustParse(t, c.a).String() || b.String() != mustParse(t, c.b).String() {
			t.Errorf("Merge changed an operand: %q, %q", a, b)
		}
	}
}

func TestPositionTextForms(t *testing.T) {
	p := mustParse(t, "0-1-42,1-2-7,"+uuidA+":1-5:7")
	b, err := json.Marshal(map[string]Position{"pos": p})
	if err != nil {
		t.Fatal(err)
	}
	var back map[string]Position
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("unmarshal %s: %v", b, err)
	}
	if back["pos"] != p {
		t.Errorf("JSON round trip: %q, want %q", back["pos"], p)
	}
	q := p
	if err := q.UnmarshalText([]byte("0-1")); err == nil || q != p {
		t.Errorf("UnmarshalText of bad text: %v, left %q", err, q)
	}

	// Through a cookie, as the Session documentation shows: net/http quotes the value (it has
	// commas) and takes the quotes off again.
	rec := httptest.NewRecorder()
	http.SetCookie(rec, &http.Cookie{Name: "pos", Value: p.String(), Path: "/"})
	req := httptest.NewRequest("GET", "/", nil)
	for _, h := range rec.Result().Header["Set-Cookie"] {
		name, rest, _ := strings.Cut(h, "=")
		value, _, _ := strings.Cut(rest, ";")
		req.Header.Add("Cookie", name+"="+value)
	}
	c, err := req.Cookie("pos")
	if err != nil {
		t.Fatalf("cookie did not come back: %v (Set-Cookie %q)", err, rec.Result().Header["Set-Cookie"])
	}
	got, err := ParsePosition(c.Value)
	if err != nil || got != p {
		t.Errorf("cookie round trip: %q, %v; want %q", got, err, p)
	}
	for _, r := range p.String() {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || strings.ContainsRune("_-:,", r)) {
			t.Errorf("String() has %q", r)
		}
	}
}

func TestPositionServerTexts(t *testing.T) {
	p := mustParse(t, "1-2-7,0-1-42,"+uuidB+":3,"+uuidA+":1-5")
	if got, want := p.mariaDBText(), "0-1-42,1-2-7"; got != want {
		t.Errorf("mariaDBText = %q, want %q", got, want)
	}
	if got, want := p.mysqlText(), uuidA+":1-5,"+uuidB+":3"; got != want {
		t.Errorf("mysqlText = %q, want %q", got, want)
	}
	if got := (Position{}).mariaDBText() + (Position{}).mysqlText(); got != "" {
		t.Errorf("zero position texts: %q", got)
	}
}

func FuzzParsePosition(f *testing.F) {
	for _, s := range []string{
		"", "0-1-42", "0-1-42,1-2-7", "0-1-42,0-2-40",
		uuidA + ":1-5:7," + uuidB + ":1-3", uuidA + ":1-5,\n" + uuidB + ":1-3",
		uuidA + ":1:tag:2-3", "0-1-5," + uuidA + ":1", uuidA + ":9223372036854775807",
		"0-1-18446744073709551615", "x", ",", uuidA + ":0",
	} {
		f.Add(s, "0-1-3")
	}
	for _, pair := range [][2]string{
		{uuidA + ":1-5", uuidA + ":2-3"},
		{uuidA + ":3-9", uuidA + ":1-5:7-9"},
		{uuidA + ":1:t:2", uuidA + ":1-3:t:1-2"},
		{"0-1-5,1-1-3", "0-2-9,1-1-3"},
		{"0-1-5," + uuidA + ":4", "0-1-5," + uuidA + ":1-4," + uuidB + ":1"},
	} {
		f.Add(pair[0], pair[1])
		f.Add(pair[1], pair[0])
	}
	f.Fuzz(func(t *testing.T, s, other string) {
		p, err := ParsePosition(s)
		if err != nil {
			var pe *PositionError
			if !errors.As(err, &pe) || !p.IsZero() {
				t.Fatalf("ParsePosition(%q) = %q, %v", s, p, err)
			}
			return
		}
		q, err := ParsePosition(p.String())
		if err != nil || q != p {
			t.Fatalf("round trip of %q: %q -> %q, %v", s, p, q, err)
		}
		if !p.CoveredBy(p) || !(Position{}).CoveredBy(p) {
			t.Fatalf("%q does not cover itself or the zero position", p)
		}
		o, err := ParsePosition(other)
		if err != nil {
			return
		}
		m := p.Merge(o)
		if m != o.Merge(p) {
			t.Fatalf("Merge not commutative: %q, %q", p, o)
		}
		if !p.CoveredBy(m) || !o.CoveredBy(m) {
			t.Fatalf("%q.Merge(%q) = %q does not cover both", p, o, m)
		}
		if m.Merge(p) != m {
			t.Fatalf("Merge not idempotent: %q", m)
		}
		// Covered means merging adds nothing: the same MySQL set, the same sequence number in
		// every MariaDB domain (server ids aside).
		same := m.mysqlText() == o.mysqlText() && domainSeqs(m) == domainSeqs(o)
		if p.CoveredBy(o) != same {
			t.Fatalf("%q.CoveredBy(%q) = %v, but merging them gives %q", p, o, p.CoveredBy(o), m)
		}
	})
}

// domainSeqs is p's MariaDB part without the server ids.
func domainSeqs(p Position) string {
	var s strings.Builder
	for _, g := range p.parsed().maria {
		fmt.Fprintf(&s, "%d:%d,", g.domain, g.seq)
	}
	return s.String()
}

// The cost of following a session's commits: one Observe per commit.
func BenchmarkSessionObserve(b *testing.B) {
	for _, c := range []struct{ name, prefix string }{
		{"MariaDB", "0-1-"},
		{"MySQL", uuidA + ":1-"},
	} {
		b.Run(c.name, func(b *testing.B) {
			s := ResumeSession(mustParse(b, "1-2-7,"+c.prefix+"1"))
			gtids := make([]string, 1024)
			for i := range gtids {
				gtids[i] = c.prefix + strconv.Itoa(i+2)
			}
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				s.Observe(gtids[i%len(gtids)])
			}
		})
	}
}
