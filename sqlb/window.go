package sqlb

import (
	"fmt"
	"slices"
)

// Window is the specification after OVER: partitioning, ordering and frame. The zero
// Window is "OVER ()", the whole result. Methods return new values.
type Window struct {
	partition []node
	order     []orderTerm
	frame     *windowFrame
}

type windowFrame struct {
	unit       string // ROWS or RANGE
	start, end FrameBound
}

// FrameBound is one end of a window frame.
type FrameBound struct {
	kind   frameBoundKind
	offset int
}

type frameBoundKind int

const (
	boundUnset frameBoundKind = iota
	boundUnboundedPreceding
	boundPreceding
	boundCurrentRow
	boundFollowing
	boundUnboundedFollowing
)

var (
	// UnboundedPreceding is the first row of the partition.
	UnboundedPreceding = FrameBound{kind: boundUnboundedPreceding}
	// CurrentRow is the current row.
	CurrentRow = FrameBound{kind: boundCurrentRow}
	// UnboundedFollowing is the last row of the partition.
	UnboundedFollowing = FrameBound{kind: boundUnboundedFollowing}
)

// Preceding is "n PRECEDING".
func Preceding(n int) FrameBound { return FrameBound{kind: boundPreceding, offset: n} }

// Following is "n FOLLOWING".
func Following(n int) FrameBound { return FrameBound{kind: boundFollowing, offset: n} }

// PartitionBy starts a Window partitioned by exprs.
func PartitionBy(exprs ...Expression) Window { return Window{}.PartitionBy(exprs...) }

// PartitionBy adds PARTITION BY expressions.
func (w Window) PartitionBy(exprs ...Expression) Window {
	w.partition = slices.Clip(w.partition)
	for _, e := range exprs {
		w.partition = append(w.partition, nodeOf(e))
	}
	return w
}

// OrderBy adds ORDER BY items to the window.
func (w Window) OrderBy(items ...OrderItem) Window {
	w.order = appendOrder(w.order, items)
	return w
}

// Rows sets the frame "ROWS BETWEEN start AND end".
func (w Window) Rows(start, end FrameBound) Window {
	w.frame = &windowFrame{unit: "ROWS", start: start, end: end}
	return w
}

// Range sets the frame "RANGE BETWEEN start AND end".
func (w Window) Range(start, end FrameBound) Window {
	w.frame = &windowFrame{unit: "RANGE", start: start, end: end}
	return w
}

func (w *Window) write(c *compiler) {
	c.writeByte('(')
	sep := ""
	if len(w.partition) > 0 {
		c.write("PARTITION BY ")
		c.exprList(w.partition)
		sep = " "
	}
	if len(w.order) > 0 {
		c.write(sep)
		c.write("ORDER BY ")
		c.orderList(w.order, false)
		sep = " "
	}
	if w.frame != nil {
		c.write(sep)
		c.write(w.frame.unit)
		c.write(" BETWEEN ")
		w.frame.start.write(c)
		c.write(" AND ")
		w.frame.end.write(c)
	}
	c.writeByte(')')
}

// write renders the bound; offsets are integer literals because MariaDB does not
// accept parameters in a frame.
func (b FrameBound) write(c *compiler) {
	switch b.kind {
	case boundUnboundedPreceding:
		c.write("UNBOUNDED PRECEDING")
	case boundCurrentRow:
		c.write("CURRENT ROW")
	case boundUnboundedFollowing:
		c.write("UNBOUNDED FOLLOWING")
	case boundPreceding, boundFollowing:
		if b.offset < 0 {
			c.fail(fmt.Errorf("sqlb: negative window frame offset %d", b.offset))
			return
		}
		c.writeInt(int64(b.offset))
		if b.kind == boundPreceding {
			c.write(" PRECEDING")
		} else {
			c.write(" FOLLOWING")
		}
	default:
		c.failf("window frame bound not set")
	}
}

func (w *Window) collectFroms(add func(FromItem)) {
	for _, p := range w.partition {
		p.collectFroms(add)
	}
	for _, o := range w.order {
		o.n.collectFroms(add)
	}
}
