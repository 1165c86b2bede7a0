package myx

import (
	"context"
	"testing"

	"github.com/myxdb/myx/internal/wire"
)

func TestAppendSQLComment(t *testing.T) {
	for _, tc := range []struct {
		q     string
		attrs []wire.QueryAttr
		want  string
	}{
		{"SELECT 1", []wire.QueryAttr{{Name: "b", Value: "2"}, {Name: "a", Value: "1"}}, "SELECT 1 /*a='1',b='2'*/"},
		{"SELECT 1;  \n", []wire.QueryAttr{{Name: "k", Value: "v"}}, "SELECT 1 /*k='v'*/"},
		{"SELECT 1 -- note", []wire.QueryAttr{{Name: "k", Value: "v"}}, "SELECT 1 -- note\n/*k='v'*/"},
		{"SELECT 1 # note", []wire.QueryAttr{{Name: "k", Value: "v"}}, "SELECT 1 # note\n/*k='v'*/"},
		// Quotes, the comment's end, spaces, non-ASCII and separators are all percent-encoded.
		{"DO 1", []wire.QueryAttr{{Name: "a b", Value: "x'*/,=é"}}, "DO 1 /*a%20b='x%27%2A%2F%2C%3D%C3%A9'*/"},
		{"DO 1", []wire.QueryAttr{{Name: "z", Value: "1"}, {Name: "z", Value: "0"}, {Name: "a", Value: ""}}, "DO 1 /*a='',z='1',z='0'*/"},
	} {
		got := string(appendSQLComment(nil, tc.q, append([]wire.QueryAttr(nil), tc.attrs...)))
		if got != tc.want {
			t.Errorf("%q %v:\n got %q\nwant %q", tc.q, tc.attrs, got, tc.want)
		}
	}
}

func TestTraceParent(t *testing.T) {
	tid := [16]byte{0x4b, 0xf9, 0x2f, 0x35, 0x77, 0xb3, 0x4d, 0xa6, 0xa3, 0xce, 0x92, 0x9d, 0x0e, 0x0e, 0x47, 0x36}
	sid := [8]byte{0x00, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7}
	if got := TraceParent(tid, sid, 1); got != "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" {
		t.Fatalf("TraceParent %s", got)
	}
	if got := TraceParent([16]byte{}, [8]byte{}, 0xab); got != "00-00000000000000000000000000000000-0000000000000000-ab" {
		t.Fatalf("TraceParent %s", got)
	}
}

func TestWithQueryAttributesAppends(t *testing.T) {
	ctx := WithQueryAttributes(context.Background(), QueryAttribute{Name: "a", Value: "1"})
	ctx2 := WithQueryAttributes(ctx, QueryAttribute{Name: "b", Value: "2"})
	if got := QueryAttributesFrom(ctx2); len(got) != 2 || got[0].Name != "a" || got[1].Name != "b" {
		t.Fatalf("attributes %v", got)
	}
	if got := QueryAttributesFrom(ctx); len(got) != 1 {
		t.Fatalf("the parent context changed: %v", got)
	}
	if QueryAttributesFrom(context.Background()) != nil {
		t.Fatal("attributes in a bare context")
	}
}

func TestQueryAttributesDSN(t *testing.T) {
	cfg, err := ParseConfig("mysql://u@h/db?queryAttributes=true&sqlComment=true")
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.QueryAttributes || !cfg.SQLComment {
		t.Fatalf("queryAttributes %v sqlComment %v", cfg.QueryAttributes, cfg.SQLComment)
	}
	cfg, err = ParseConfig("mysql://u@h/db")
	if err != nil || cfg.QueryAttributes || cfg.SQLComment {
		t.Fatalf("defaults: %v %v %v", cfg.QueryAttributes, cfg.SQLComment, err)
	}
	if _, err := ParseConfig("mysql://u@h/db?queryAttributes=maybe"); err == nil {
		t.Fatal("queryAttributes=maybe accepted")
	}
}
