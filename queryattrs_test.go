package myx_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/myxdb/myx"
)

// The SQL comment reaches the server as part of the statement: the statement sees its own text,
// comment included, in the process list; arguments were interpolated into it.
func TestSQLCommentReachesServer(t *testing.T) {
	t.Parallel()
	c := connect(t, func(cfg *myx.Config) {
		cfg.SQLComment = true
		cfg.QueryAttributesFunc = func(ctx context.Context) []myx.QueryAttribute {
			return []myx.QueryAttribute{{Name: "traceparent", Value: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}}
		}
	})
	if c.QueryAttributesEnabled() {
		t.Skip("the server takes query attributes in the protocol")
	}
	ctx := myx.WithQueryAttributes(ctxT(t), myx.QueryAttribute{Name: "route", Value: "/users/{id}"})
	var info string
	var n int64
	err := c.QueryRow(ctx, "SELECT INFO, ? FROM information_schema.PROCESSLIST WHERE ID = CONNECTION_ID()", int64(42)).Scan(&info, &n)
	if err != nil {
		t.Fatal(err)
	}
	want := "SELECT INFO, 42 FROM information_schema.PROCESSLIST WHERE ID = CONNECTION_ID() /*route='%2Fusers%2F%7Bid%7D',traceparent='00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'*/"
	if info != want || n != 42 {
		t.Fatalf("process list INFO\n got %s (%d)\nwant %s", info, n, want)
	}
	// Without attributes nothing is added, and the statement is prepared as usual.
	c2 := connect(t, func(cfg *myx.Config) { cfg.SQLComment = true })
	if err := c2.QueryRow(ctxT(t), "SELECT INFO FROM information_schema.PROCESSLIST WHERE ID = CONNECTION_ID() AND ? = 1", int64(1)).Scan(&info); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(info, "/*") {
		t.Fatalf("comment without attributes: %s", info)
	}
}

// Config.QueryAttributes against a server without them (MariaDB) is ignored: statements, text
// and prepared, run as without it.
func TestQueryAttributesIgnoredWithoutCapability(t *testing.T) {
	t.Parallel()
	c := connect(t, func(cfg *myx.Config) { cfg.QueryAttributes = true })
	info := c.ServerInfo()
	if info.Flavor != myx.MySQL || info.Number().Major < 8 {
		if c.QueryAttributesEnabled() {
			t.Fatalf("query attributes enabled with %s", info.Version)
		}
	}
	ctx := myx.WithQueryAttributes(ctxT(t), myx.QueryAttribute{Name: "a", Value: "b"})
	var n int64
	if err := c.QueryRow(ctx, "SELECT ? + 1", int64(1)).Scan(&n); err != nil || n != 2 {
		t.Fatalf("prepared: %d, %v", n, err)
	}
	if _, err := c.Exec(ctx, "DO 1"); err != nil {
		t.Fatalf("text: %v", err)
	}
}

// On a server with query attributes (MySQL 8.0.23+, with the query_attributes component for
// mysql_query_attribute_string), the statement's attributes are readable by the statement.
func TestQueryAttributesReachServer(t *testing.T) {
	t.Parallel()
	c := connect(t, func(cfg *myx.Config) { cfg.QueryAttributes = true })
	if !c.QueryAttributesEnabled() {
		t.Skip("the server does not offer CLIENT_QUERY_ATTRIBUTES")
	}
	ctx := myx.WithQueryAttributes(ctxT(t), myx.QueryAttribute{Name: "traceparent", Value: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"})
	var n int64
	if err := c.QueryRow(ctx, "SELECT ? + 1", int64(1)).Scan(&n); err != nil || n != 2 {
		t.Fatalf("prepared with attributes: %d, %v", n, err)
	}
	if _, err := c.Exec(ctx, "DO 1"); err != nil {
		t.Fatalf("text with attributes: %v", err)
	}
	var v *string
	err := c.QueryRow(ctx, "SELECT mysql_query_attribute_string('traceparent')").Scan(&v)
	if err != nil {
		t.Skipf("mysql_query_attribute_string not available (component not installed?): %v", err)
	}
	if v == nil || *v != "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" {
		t.Fatalf("attribute read back: %v", v)
	}
}

// A statement whose arguments interpolation refuses (a placeholder in an executable comment)
// is prepared as without attributes: the comment is dropped, the statement runs.
func TestSQLCommentFallsBackToPrepared(t *testing.T) {
	t.Parallel()
	c := connect(t, func(cfg *myx.Config) { cfg.SQLComment = true })
	if c.QueryAttributesEnabled() {
		t.Skip("the server takes query attributes in the protocol")
	}
	ctx := myx.WithQueryAttributes(ctxT(t), myx.QueryAttribute{Name: "k", Value: "v"})
	var n int64
	if err := c.QueryRow(ctx, "SELECT /*!50000 ? + */ 1", int64(1)).Scan(&n); err != nil || n != 2 {
		t.Fatalf("QueryRow: %d, %v", n, err)
	}
	if _, err := c.Exec(ctx, "DO /*!50000 ? + */ 1", int64(1)); err != nil {
		t.Fatalf("Exec: %v", err)
	}
	// The attributes were dropped with the comment, not left for the next statement.
	var info string
	if err := c.QueryRow(ctxT(t), "SELECT INFO FROM information_schema.PROCESSLIST WHERE ID = CONNECTION_ID()").Scan(&info); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(info, "/*k=") {
		t.Fatalf("attributes carried over: %s", info)
	}
	// Without SQLComment's reason to interpolate, nothing changes: InterpolateParams still
	// refuses such a statement.
	ci := connect(t, func(cfg *myx.Config) { cfg.SQLComment, cfg.InterpolateParams = true, true })
	if err := ci.QueryRow(ctx, "SELECT /*!50000 ? + */ 1", int64(1)).Scan(&n); !errors.Is(err, myx.ErrAmbiguousSQL) {
		t.Fatalf("InterpolateParams: %v", err)
	}
}
