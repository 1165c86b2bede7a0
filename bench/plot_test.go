package bench

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"
	"unicode/utf8"
)

const sampleCurve = `pool curve: point queries through the pool, 40000 per run, 3 rounds, median; go1.26, GOMAXPROCS=2, load 1.00 1.00 1.00
conns/gor  variant         queries/s   ratio  threads  cpu µs/q user µs/q
8/16       myx                 21900   1.22x       12      27.0      20.0
8/16       myx-runtime         18600   1.04x        9      30.0      21.0
8/16       go-sql-driver       17900       -       10      41.0      30.0
128/1000   myx                 10000   0.50x       80      27.0      20.0
128/1000   go-sql-driver       20000       -       10      41.0      30.0
point                      4070           3958    1.03x   queries/s
`

func TestParseCurve(t *testing.T) {
	pts, err := ParseCurve(strings.NewReader(sampleCurve))
	if err != nil {
		t.Fatal(err)
	}
	want := []PlotPoint{{"8/16", "myx", 21900}, {"8/16", "myx-runtime", 18600}, {"8/16", "go-sql-driver", 17900},
		{"128/1000", "myx", 10000}, {"128/1000", "go-sql-driver", 20000}}
	if len(pts) != len(want) {
		t.Fatalf("got %v", pts)
	}
	for i := range want {
		if pts[i] != want[i] {
			t.Errorf("point %d: %+v, want %+v", i, pts[i], want[i])
		}
	}
	if _, err := ParseCurve(strings.NewReader("no curve here\n")); err == nil {
		t.Fatal("no error for input without points")
	}
}

func TestTextChart(t *testing.T) {
	pts, _ := ParseCurve(strings.NewReader(sampleCurve))
	var b bytes.Buffer
	if err := TextChart(&b, "title", pts); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != 2+len(pts) || lines[0] != "title" {
		t.Fatalf("%d lines:\n%s", len(lines), b.String())
	}
	// The longest bar is the highest rate, full width; half the rate is half the bar.
	cells := func(line string) int { return strings.Count(line, "█") }
	full, half := cells(lines[2]), cells(lines[5])
	if full != 40 || half != 18 && half != 19 {
		t.Fatalf("bars of %d and %d cells:\n%s", full, half, b.String())
	}
	if !strings.Contains(lines[2], "21.9k  1.22x") || !strings.HasPrefix(lines[2], "8/16 ") ||
		strings.HasPrefix(lines[3], "8/16") || strings.HasSuffix(lines[4], "x") || !strings.HasSuffix(lines[5], "0.50x") {
		t.Fatalf("labels:\n%s", b.String())
	}
	// Columns line up: every bar starts at the same rune.
	start := -1
	for _, l := range lines[2:] {
		i := utf8.RuneCountInString(l[:strings.IndexAny(l, "█▏▎▍▌▋▊▉")])
		if start >= 0 && i != start {
			t.Fatalf("bars start at %d and %d:\n%s", start, i, b.String())
		}
		start = i
	}
}

func TestSVGChart(t *testing.T) {
	pts, _ := ParseCurve(strings.NewReader(sampleCurve))
	var b bytes.Buffer
	if err := SVGChart(&b, "pool <curve> & more", pts); err != nil {
		t.Fatal(err)
	}
	d := xml.NewDecoder(&b)
	bars := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "rect" {
			for _, a := range se.Attr {
				if a.Name.Local == "fill" && a.Value != "white" {
					bars++
				}
			}
		}
	}
	if want := len(pts) + 3; bars != want { // the bars and the legend's 3 swatches
		t.Fatalf("%d coloured rects, want %d", bars, want)
	}
}
