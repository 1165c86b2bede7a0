package main

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// stdioMu serialises the tests that swap os.Stdin, os.Stdout and os.Stderr.
var stdioMu sync.Mutex

// runMyx runs the command line args in process as main would, with stdin as standard input,
// and returns what it wrote to standard output and standard error and its exit code.
func runMyx(t *testing.T, ctx context.Context, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	stdioMu.Lock()
	defer stdioMu.Unlock()
	dir := t.TempDir()
	open := func(name, content string) *os.File {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		f, err := os.OpenFile(p, os.O_RDWR, 0)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	in, out, errf := open("stdin", stdin), open("stdout", ""), open("stderr", "")
	defer in.Close()
	defer out.Close()
	defer errf.Close()
	oldIn, oldOut, oldErr := os.Stdin, os.Stdout, os.Stderr
	os.Stdin, os.Stdout, os.Stderr = in, out, errf
	func() {
		defer func() { os.Stdin, os.Stdout, os.Stderr = oldIn, oldOut, oldErr }()
		code = run(ctx, args)
	}()
	o, err := os.ReadFile(out.Name())
	if err != nil {
		t.Fatal(err)
	}
	e, err := os.ReadFile(errf.Name())
	if err != nil {
		t.Fatal(err)
	}
	return string(o), string(e), code
}

func TestHelpAndExitCodes(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		args         []string
		code         int
		stdout       []string // each must appear
		stderr       []string
		stderrAbsent bool // nothing may be written to standard error
	}{
		{args: nil, code: 2, stderr: []string{"usage: myx <command>", "query"}},
		{args: []string{"help"}, code: 0, stdout: []string{"usage: myx <command>", "tour", "query", "gen", "bench", "version"}, stderrAbsent: true},
		{args: []string{"-h"}, code: 0, stdout: []string{"usage: myx <command>"}, stderrAbsent: true},
		{args: []string{"--help"}, code: 0, stdout: []string{"usage: myx <command>"}, stderrAbsent: true},
		{args: []string{"help", "query"}, code: 0, stdout: []string{"usage: myx query", "-format", "-null-arg", "-vertical"}, stderrAbsent: true},
		{args: []string{"help", "tour"}, code: 0, stdout: []string{"usage: myx tour", "-database"}, stderrAbsent: true},
		{args: []string{"help", "bench"}, code: 0, stdout: []string{"usage: myx bench", "-quick"}, stderrAbsent: true},
		{args: []string{"query", "-h"}, code: 0, stdout: []string{"usage: myx query", "-format", "-sample"}, stderrAbsent: true},
		{args: []string{"query", "--help"}, code: 0, stdout: []string{"usage: myx query"}, stderrAbsent: true},
		{args: []string{"query", "SELECT 1", "-h"}, code: 0, stdout: []string{"usage: myx query"}, stderrAbsent: true},
		{args: []string{"tour", "-h"}, code: 0, stdout: []string{"usage: myx tour", "-dsn"}, stderrAbsent: true},
		{args: []string{"tour", "--help"}, code: 0, stdout: []string{"usage: myx tour"}, stderrAbsent: true},
		{args: []string{"gen", "-h"}, code: 0, stdout: []string{"usage: myx gen", "-pkg"}, stderrAbsent: true},
		{args: []string{"bench", "-h"}, code: 0, stdout: []string{"usage: myx bench", "-quick", "-rounds", "-only"}, stderrAbsent: true},
		{args: []string{"version", "-h"}, code: 0, stdout: []string{"usage: myx version"}, stderrAbsent: true},
		{args: []string{"version"}, code: 0, stdout: []string{"myx ", "github.com/myxdb/myx", runtime.Version()}, stderrAbsent: true},
		{args: []string{"nope"}, code: 2, stderr: []string{`unknown command "nope"`, "tour, query, gen, bench, version, help"}},
		{args: []string{"help", "nope"}, code: 2, stderr: []string{`unknown command "nope"`}},
		{args: []string{"query", "-nope"}, code: 2, stderr: []string{"flag provided but not defined: -nope", "usage: myx query"}},
		{args: []string{"query", "SELECT 1", "-format", "xml"}, code: 2, stderr: []string{`-format "xml"`}},
		{args: []string{"tour", "-nope"}, code: 2, stderr: []string{"flag provided but not defined: -nope"}},
		{args: []string{"version", "extra"}, code: 2, stderr: []string{"unexpected arguments"}},
	} {
		out, errOut, code := runMyx(t, ctx, "", c.args...)
		name := strings.Join(append([]string{"myx"}, c.args...), " ")
		if code != c.code {
			t.Errorf("%s: exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", name, code, c.code, out, errOut)
		}
		for _, w := range c.stdout {
			if !strings.Contains(out, w) {
				t.Errorf("%s: standard output lacks %q:\n%s", name, w, out)
			}
		}
		for _, w := range c.stderr {
			if !strings.Contains(errOut, w) {
				t.Errorf("%s: standard error lacks %q:\n%s", name, w, errOut)
			}
		}
		if c.stderrAbsent && errOut != "" {
			t.Errorf("%s: wrote to standard error:\n%s", name, errOut)
		}
		for _, bad := range []string{"flag: help requested", "Usage of", "go-build"} {
			if strings.Contains(out+errOut, bad) {
				t.Errorf("%s: output has %q:\n%s%s", name, bad, out, errOut)
			}
		}
	}
}

func TestVersionText(t *testing.T) {
	v := versionText()
	if !strings.HasPrefix(v, "myx ") || !strings.Contains(v, runtime.Version()) ||
		!strings.Contains(v, runtime.GOOS+"/"+runtime.GOARCH) {
		t.Errorf("versionText() = %q", v)
	}
}

// TestQueryNoServer checks that an unreachable server is an error (exit 1) that says where it
// looked, before anything is printed on standard output.
func TestQueryNoServer(t *testing.T) {
	out, errOut, code := runMyx(t, context.Background(), "", "query", "-dsn", "mysql://root@127.0.0.1:1/test", "SELECT 1")
	if code != 1 || out != "" || !strings.HasPrefix(errOut, "myx query: ") || !strings.Contains(errOut, "127.0.0.1:1") {
		t.Errorf("exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
}
