package myx_test

import (
	"errors"
	"testing"

	"github.com/myxdb/myx"
)

// Closing a connection while a batch's replies are unread ends the batch: its results report
// ErrConnClosed instead of reading a closed socket.
func TestCloseDuringBatch(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	c := connect(t)
	var b myx.Batch
	b.Queue("SELECT 1")
	b.Queue("SELECT 2")
	br := c.SendBatch(ctx, &b)
	rows, err := br.Query()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if rows.Next() || !errors.Is(rows.Err(), myx.ErrConnClosed) {
		t.Errorf("rows after Close: %v", rows.Err())
	}
	if _, err := br.Exec(); !errors.Is(err, myx.ErrConnClosed) {
		t.Errorf("batch Exec after Close: %v", err)
	}
	if err := br.Close(); !errors.Is(err, myx.ErrConnClosed) {
		t.Errorf("batch Close after Close: %v", err)
	}
}

func TestCloseDuringBatchWithoutRows(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	c := connect(t)
	var b myx.Batch
	b.Queue("SELECT 1")
	br := c.SendBatch(ctx, &b)
	if err := c.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := br.Exec(); !errors.Is(err, myx.ErrConnClosed) {
		t.Errorf("batch Exec after Close: %v", err)
	}
	if err := br.Close(); !errors.Is(err, myx.ErrConnClosed) {
		t.Errorf("batch Close after Close: %v", err)
	}
}
