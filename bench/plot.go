package bench

import (
	"bufio"
	"fmt"
	"html"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// The pool curve as a picture: bars of queries/s per connections/goroutines point, one bar per
// variant (myx's default, myx with runtime_poller=true, go-sql-driver...). The points come from
// the curve's printed table (ParseCurve), so a chart can be drawn again from any saved run.

// PlotPoint is one bar: a variant's rate at a point of the curve.
type PlotPoint struct {
	Point   string  // "conns/goroutines", e.g. "8/16"
	Variant string  // e.g. "myx", "myx-runtime", "go-sql-driver"
	Rate    float64 // queries/s
}

// PlotBaseline is the variant the charts give ratios to.
const PlotBaseline = "go-sql-driver"

var curvePointField = regexp.MustCompile(`^\d+/\d+$`)

// ParseCurve reads the curve's table as the curve workload prints it: every line whose first
// field is "conns/goroutines" (digits/digits), followed by the variant and its queries/s, is a
// point; other lines (titles, headers, other workloads) are skipped. It reports an error only
// when reading fails or no point was found.
func ParseCurve(r io.Reader) ([]PlotPoint, error) {
	var pts []PlotPoint
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 3 || !curvePointField.MatchString(f[0]) {
			continue
		}
		rate, err := strconv.ParseFloat(f[2], 64)
		if err != nil || rate < 0 || math.IsInf(rate, 0) {
			continue
		}
		pts = append(pts, PlotPoint{Point: f[0], Variant: f[1], Rate: rate})
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(pts) == 0 {
		return nil, fmt.Errorf("plot: no curve points (lines starting \"conns/goroutines variant queries/s\")")
	}
	return pts, nil
}

// plotOrder gives the points and the variants in the order they first appear.
func plotOrder(pts []PlotPoint) (points, variants []string, rate map[[2]string]float64, top float64) {
	rate = make(map[[2]string]float64)
	seenP, seenV := map[string]bool{}, map[string]bool{}
	for _, p := range pts {
		if !seenP[p.Point] {
			seenP[p.Point] = true
			points = append(points, p.Point)
		}
		if !seenV[p.Variant] {
			seenV[p.Variant] = true
			variants = append(variants, p.Variant)
		}
		rate[[2]string{p.Point, p.Variant}] = p.Rate
		top = max(top, p.Rate)
	}
	return points, variants, rate, top
}

// TextChart writes the points as a bar chart of text, one bar per variant and point, scaled to
// the highest rate, with each rate and its ratio to go-sql-driver at the same point:
//
//	8/16     myx            ██████████████████████████████  21.9k  1.22x
//	         go-sql-driver  ████████████████████████▌       17.9k
func TextChart(w io.Writer, title string, pts []PlotPoint) error {
	const width = 40
	points, variants, rate, top := plotOrder(pts)
	if top <= 0 {
		top = 1
	}
	pw, vw := len("conns/gor"), 0
	for _, p := range points {
		pw = max(pw, len(p))
	}
	for _, v := range variants {
		vw = max(vw, len(v))
	}
	var b strings.Builder
	if title != "" {
		b.WriteString(title + "\n")
	}
	fmt.Fprintf(&b, "%-*s  %-*s  queries/s, bars to scale (0 to %s)\n", pw, "conns/gor", vw, "", kilo(top))
	for _, p := range points {
		label := p
		base, hasBase := rate[[2]string{p, PlotBaseline}]
		for _, v := range variants {
			r, ok := rate[[2]string{p, v}]
			if !ok {
				continue
			}
			ratio := ""
			if hasBase && base > 0 && v != PlotBaseline {
				ratio = fmt.Sprintf("  %.2fx", r/base)
			}
			fmt.Fprintf(&b, "%-*s  %-*s  %s  %6s%s\n", pw, label, vw, v, bar(r/top, width), kilo(r), ratio)
			label = ""
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// bar draws frac (0..1) of width cells with eighth blocks, padded to width.
func bar(frac float64, width int) string {
	eighths := int(math.Round(max(0, min(frac, 1)) * float64(width*8)))
	s := strings.Repeat("█", eighths/8)
	if r := eighths % 8; r > 0 {
		s += string([]rune("▏▎▍▌▋▊▉")[r-1])
	}
	return s + strings.Repeat(" ", width-(eighths+7)/8)
}

// kilo formats a rate as 21.9k.
func kilo(r float64) string {
	if r >= 1000 {
		return strconv.FormatFloat(r/1000, 'f', 1, 64) + "k"
	}
	return strconv.FormatFloat(r, 'f', 0, 64)
}

// plotColors are the bars' colours, by variant order.
var plotColors = []string{"#1f6fb4", "#6aaed6", "#9e9e9e", "#e08a2c", "#5aa05a", "#b05a9e"}

// SVGChart writes the points as an SVG grouped bar chart: one group per point of the curve,
// one bar per variant, queries/s on the vertical axis, a legend, and each bar's rate above it.
func SVGChart(w io.Writer, title string, pts []PlotPoint) error {
	points, variants, rate, top := plotOrder(pts)
	step := niceStep(top / 5)
	ymax := math.Ceil(top/step) * step
	if ymax <= 0 {
		ymax, step = 1, 1
	}
	const (
		left, right, topM, bottom = 64.0, 16.0, 48.0, 56.0
		barW, gap                 = 22.0, 28.0
		plotH                     = 220.0
	)
	legendW := 0.0
	for _, v := range variants {
		legendW += legendEntry(v)
	}
	barsW := barW * float64(len(variants))
	plotW := max((barsW+gap)*float64(len(points)), legendW, 7.5*float64(len(title)))
	groupW := plotW / float64(max(len(points), 1))
	width := left + right + plotW
	height := topM + plotH + bottom
	y := func(r float64) float64 { return topM + plotH - r/ymax*plotH }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f" font-family="sans-serif" font-size="11">`+"\n",
		width, height, width, height)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	fmt.Fprintf(&b, `<text x="%.0f" y="18" font-size="13" font-weight="bold">%s</text>`+"\n", left, html.EscapeString(title))
	// Legend.
	lx := left
	for i, v := range variants {
		fmt.Fprintf(&b, `<rect x="%.0f" y="27" width="10" height="10" fill="%s"/><text x="%.0f" y="36">%s</text>`+"\n",
			lx, plotColors[i%len(plotColors)], lx+14, html.EscapeString(v))
		lx += legendEntry(v)
	}
	// Axis and grid.
	for t := 0.0; t <= ymax+step/2; t += step {
		fmt.Fprintf(&b, `<line x1="%.0f" x2="%.0f" y1="%.1f" y2="%.1f" stroke="#ddd"/><text x="%.0f" y="%.1f" text-anchor="end">%s</text>`+"\n",
			left, width-right, y(t), y(t), left-6, y(t)+4, kilo(t))
	}
	fmt.Fprintf(&b, `<text x="14" y="%.0f" transform="rotate(-90 14 %.0f)" text-anchor="middle">queries/s</text>`+"\n", topM+plotH/2, topM+plotH/2)
	// Bars.
	for gi, p := range points {
		gx := left + groupW*float64(gi) + (groupW-barsW)/2
		for vi, v := range variants {
			r, ok := rate[[2]string{p, v}]
			if !ok {
				continue
			}
			x := gx + barW*float64(vi)
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.0f" height="%.1f" fill="%s"><title>%s %s: %.0f queries/s</title></rect>`+"\n",
				x, y(r), barW-2, topM+plotH-y(r), plotColors[vi%len(plotColors)], html.EscapeString(p), html.EscapeString(v), r)
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="9" text-anchor="middle">%s</text>`+"\n", x+(barW-2)/2, y(r)-3, kilo(r))
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.0f" text-anchor="middle">%s</text>`+"\n",
			gx+barsW/2, topM+plotH+16, html.EscapeString(p))
	}
	fmt.Fprintf(&b, `<text x="%.0f" y="%.0f" text-anchor="middle">connections / goroutines</text>`+"\n", left+(width-left-right)/2, topM+plotH+36)
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// legendEntry is the width of a legend entry: swatch, name (about 7 pixels a letter), space.
func legendEntry(v string) float64 { return 14 + 7*float64(len(v)) + 16 }

// niceStep rounds a grid step up to 1, 2 or 5 times a power of ten.
func niceStep(s float64) float64 {
	if s <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(s)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= s {
			return m * p
		}
	}
	return 10 * p
}

// WritePlot writes the chart to path: SVG when the name ends in .svg, text otherwise.
func WritePlot(path, title string, pts []PlotPoint) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if strings.EqualFold(filepath.Ext(path), ".svg") {
		err = SVGChart(f, title, pts)
	} else {
		err = TextChart(f, title, pts)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
