package main

import (
	"embed"
	"fmt"
	"io/fs"
	"reflect"
	"runtime"
	"strings"
)

// The tour shows the code of each step from its own source, so what it shows is what it runs.
//
//go:embed tour.go tour_pool.go tour_fk.go tour_sqlb.go tour_cluster.go
var tourSource embed.FS

// Markers in a step's function: the lines between //tour:show and //tour:hide (or the end of
// the function) are its listing.
const (
	showMarker = "//tour:show"
	hideMarker = "//tour:hide"
)

// listings holds the declarations of the tour's source, by name.
type listings struct {
	decls map[string][]string // name -> its lines, doc comment included
}

// loadListings indexes the top-level functions, methods, types and variables of the tour's
// embedded source.
func loadListings() (*listings, error) {
	ls := &listings{decls: map[string][]string{}}
	err := fs.WalkDir(tourSource, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := tourSource.ReadFile(path)
		if err != nil {
			return err
		}
		ls.index(strings.Split(string(b), "\n"))
		return nil
	})
	return ls, err
}

// index records each top-level declaration of a gofmt-formatted file: from its doc comment to
// the closing line at column 0 (or its only line).
func (ls *listings) index(lines []string) {
	for i := 0; i < len(lines); i++ {
		name := declName(lines[i])
		if lines[i] == "var (" && i+1 < len(lines) {
			// A block: named after its first variable.
			name = declName("var " + strings.TrimSpace(lines[i+1]))
		}
		if name == "" {
			continue
		}
		begin := i
		for begin > 0 && strings.HasPrefix(lines[begin-1], "//") {
			begin--
		}
		end := i
		if l := lines[i]; strings.HasSuffix(l, "{") || strings.HasSuffix(l, "(") {
			for end < len(lines) && lines[end] != "}" && lines[end] != ")" {
				end++
			}
		}
		if end >= len(lines) {
			end = len(lines) - 1
		}
		ls.decls[name] = lines[begin : end+1]
		i = end
	}
}

// declName is the name declared by a top-level line: "f" for "func f(", "func (t *tour) f(",
// "type f ..." or "var f ...", and "" for other lines.
func declName(line string) string {
	var rest string
	switch {
	case strings.HasPrefix(line, "func ("):
		_, rest, _ = strings.Cut(line, ") ")
	case strings.HasPrefix(line, "func "), strings.HasPrefix(line, "type "),
		strings.HasPrefix(line, "var "):
		_, rest, _ = strings.Cut(line, " ")
	default:
		return ""
	}
	if i := strings.IndexAny(rest, "([ ="); i > 0 {
		return rest[:i]
	}
	return ""
}

// stepName is the name of the method a step runs ("connect" for t.connect).
func stepName(run func() error) string {
	name := runtime.FuncForPC(reflect.ValueOf(run).Pointer()).Name()
	name = strings.TrimSuffix(name, "-fm")
	return name[strings.LastIndex(name, ".")+1:]
}

// step returns the listing of s: the declarations s.also names, then the marked part of the
// step's own function, dedented, tabs as four spaces, error checks left out.
func (ls *listings) step(s step) ([]string, error) {
	var out []string
	for _, name := range s.also {
		d, ok := ls.decls[name]
		if !ok {
			return nil, fmt.Errorf("the tour's listing: no declaration %s in the tour's source", name)
		}
		out = append(out, present(d)...)
		out = append(out, "")
	}
	name := stepName(s.run)
	d, ok := ls.decls[name]
	if !ok {
		return nil, fmt.Errorf("the tour's listing: no function %s in the tour's source", name)
	}
	var shown []string
	on := false
	for _, l := range d {
		switch strings.TrimSpace(l) {
		case showMarker:
			on = true
		case hideMarker:
			on = false
		default:
			if on {
				shown = append(shown, l)
			}
		}
	}
	if len(shown) == 0 {
		return nil, fmt.Errorf("the tour's listing: %s has no %s lines", name, showMarker)
	}
	return append(out, present(shown)...), nil
}

// present prepares source lines for printing: without `if err != nil { return ... }` blocks
// that only pass the error on, dedented, with tabs as four spaces.
func present(src []string) []string {
	var lines []string
	for i := 0; i < len(src); i++ {
		if i+2 < len(src) && strings.TrimSpace(src[i]) == "if err != nil {" &&
			isPassOn(strings.TrimSpace(src[i+1])) && strings.TrimSpace(src[i+2]) == "}" {
			i += 2
			continue
		}
		lines = append(lines, src[i])
	}
	indent := -1
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		n := len(l) - len(strings.TrimLeft(l, "\t"))
		if indent < 0 || n < indent {
			indent = n
		}
	}
	out := make([]string, len(lines))
	for i, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		l = l[indent:]
		tabs := len(l) - len(strings.TrimLeft(l, "\t"))
		out[i] = strings.Repeat("    ", tabs) + l[tabs:]
	}
	return out
}

// isPassOn reports whether a return statement only passes err on.
func isPassOn(ret string) bool {
	switch ret {
	case "return err", "return 0, err", "return nil, err":
		return true
	}
	return false
}
