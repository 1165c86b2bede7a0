package sqlb

import "errors"

// node is the internal form of an expression.
type node interface {
	// writeSQL renders the node.
	writeSQL(c *compiler)
	// precedence is how tightly the node's top operator binds (precAtom for things that
	// never need parentheses).
	precedence() int
	// collectFroms reports the FROM items whose columns the node uses, not looking
	// inside subqueries (which have their own FROM).
	collectFroms(add func(FromItem))
}

// Operator precedence, loosest first, as in the MySQL manual.
const (
	precRaw     = 0 // raw SQL text: parenthesized whenever it is an operand
	precOr      = 10
	precAnd     = 20
	precNot     = 30
	precBetween = 35
	precCompare = 40
	precAdd     = 70
	precMul     = 80
	precUnary   = 90
	precAtom    = 100
)

// bindNode is a value sent as a bound parameter.
type bindNode struct{ v any }

func (n bindNode) writeSQL(c *compiler)        { c.bind(n.v) }
func (n bindNode) precedence() int             { return precAtom }
func (n bindNode) collectFroms(func(FromItem)) {}

// keywordNode is a fixed piece of SQL: NULL, DEFAULT, TRUE, CURRENT_TIMESTAMP, *.
type keywordNode string

func (n keywordNode) writeSQL(c *compiler)        { c.write(string(n)) }
func (n keywordNode) precedence() int             { return precAtom }
func (n keywordNode) collectFroms(func(FromItem)) {}

// errNode fails the compilation: it stands where a builder was given something
// unusable, so that the mistake is reported by Compile.
type errNode struct{ msg string }

func (n errNode) writeSQL(c *compiler)        { c.fail(errors.New("sqlb: " + n.msg)) }
func (n errNode) precedence() int             { return precAtom }
func (n errNode) collectFroms(func(FromItem)) {}

// binaryNode is "left op right".
type binaryNode struct {
	left, right node
	op          string
	prec        int
	associative bool // a op b op c needs no parentheses on the left
}

func (n *binaryNode) writeSQL(c *compiler) {
	c.operand(n.left, n.prec, !n.associative)
	c.writeByte(' ')
	c.write(n.op)
	c.writeByte(' ')
	c.operand(n.right, n.prec, true)
}
func (n *binaryNode) precedence() int { return n.prec }
func (n *binaryNode) collectFroms(add func(FromItem)) {
	n.left.collectFroms(add)
	n.right.collectFroms(add)
}

// logicalNode is "a AND b AND c" or "a OR b OR c".
type logicalNode struct {
	op    string
	prec  int
	items []node
}

func (n *logicalNode) writeSQL(c *compiler) {
	for i, item := range n.items {
		if i > 0 {
			c.write(" " + n.op + " ")
		}
		c.operand(item, n.prec, true)
	}
}
func (n *logicalNode) precedence() int { return n.prec }
func (n *logicalNode) collectFroms(add func(FromItem)) {
	for _, item := range n.items {
		item.collectFroms(add)
	}
}

// notNode is "NOT (x)". The operand is always parenthesized unless it is an atom, so the
// meaning does not change under the HIGH_NOT_PRECEDENCE SQL mode.
type notNode struct{ x node }

func (n *notNode) writeSQL(c *compiler) {
	c.write("NOT ")
	c.operand(n.x, precAtom, false)
}
func (n *notNode) precedence() int                 { return precNot }
func (n *notNode) collectFroms(add func(FromItem)) { n.x.collectFroms(add) }

// isNullNode is "x IS [NOT] NULL".
type isNullNode struct {
	x      node
	negate bool
}

func (n *isNullNode) writeSQL(c *compiler) {
	c.operand(n.x, precCompare, true)
	if n.negate {
		c.write(" IS NOT NULL")
	} else {
		c.write(" IS NULL")
	}
}
func (n *isNullNode) precedence() int                 { return precCompare }
func (n *isNullNode) collectFroms(add func(FromItem)) { n.x.collectFroms(add) }

// inNode is "x [NOT] IN (list)" or "x [NOT] IN (subquery)".
type inNode struct {
	x        node
	list     []node
	query    SelectQuery
	subquery bool // IN (query), even when query is nil (an error)
	negate   bool
}

func (n *inNode) writeSQL(c *compiler) {
	if !n.subquery && len(n.list) == 0 {
		// IN () is a syntax error; nothing is in an empty list.
		if n.negate {
			c.write("TRUE")
		} else {
			c.write("FALSE")
		}
		return
	}
	c.operand(n.x, precCompare, true)
	if n.negate {
		c.write(" NOT IN ")
	} else {
		c.write(" IN ")
	}
	if n.subquery {
		c.subquery(n.query, 1)
		return
	}
	c.writeByte('(')
	c.exprList(n.list)
	c.writeByte(')')
}
func (n *inNode) precedence() int {
	if !n.subquery && len(n.list) == 0 {
		return precAtom
	}
	return precCompare
}
func (n *inNode) collectFroms(add func(FromItem)) { n.x.collectFroms(add) }

// betweenNode is "x [NOT] BETWEEN low AND high".
type betweenNode struct {
	x, low, high node
	negate       bool
}

func (n *betweenNode) writeSQL(c *compiler) {
	c.operand(n.x, precCompare, true)
	if n.negate {
		c.write(" NOT BETWEEN ")
	} else {
		c.write(" BETWEEN ")
	}
	c.operand(n.low, precCompare, true)
	c.write(" AND ")
	c.operand(n.high, precCompare, true)
}
func (n *betweenNode) precedence() int { return precBetween }
func (n *betweenNode) collectFroms(add func(FromItem)) {
	n.x.collectFroms(add)
	n.low.collectFroms(add)
	n.high.collectFroms(add)
}

// likeNode is "x [NOT] LIKE pattern [ESCAPE 'e']": the pattern is bound, the escape
// character written as a literal, the only form every server accepts (TiDB takes no
// placeholder after ESCAPE). A backslash escape is written for the session's
// NO_BACKSLASH_ESCAPES mode.
type likeNode struct {
	x       node
	pattern string
	escape  rune // 0: no ESCAPE clause
	negate  bool
}

func (n *likeNode) writeSQL(c *compiler) {
	c.operand(n.x, precCompare, true)
	if n.negate {
		c.write(" NOT LIKE ")
	} else {
		c.write(" LIKE ")
	}
	c.bind(n.pattern)
	if n.escape != 0 {
		if n.escape >= 0x80 && !c.require(featureMultibyteEscape) {
			return
		}
		c.write(" ESCAPE ")
		c.stringLiteral(string(n.escape))
	}
}
func (n *likeNode) precedence() int                 { return precCompare }
func (n *likeNode) collectFroms(add func(FromItem)) { n.x.collectFroms(add) }

// labelNode names an expression in a select list; elsewhere it renders as the
// expression.
type labelNode struct {
	x    node
	name string
}

func (n *labelNode) writeSQL(c *compiler)            { n.x.writeSQL(c) }
func (n *labelNode) precedence() int                 { return n.x.precedence() }
func (n *labelNode) collectFroms(add func(FromItem)) { n.x.collectFroms(add) }

// subqueryNode is a scalar subquery "(SELECT ...)" or "EXISTS (SELECT ...)".
type subqueryNode struct {
	query  SelectQuery
	exists bool
}

func (n *subqueryNode) writeSQL(c *compiler) {
	if n.exists {
		c.write("EXISTS ")
		c.subquery(n.query, 0)
		return
	}
	c.subquery(n.query, 1)
}
func (n *subqueryNode) precedence() int             { return precAtom }
func (n *subqueryNode) collectFroms(func(FromItem)) {}

// Scalar uses a query that returns one column and at most one row as a value of type T.
func Scalar[T any](q SelectQuery) Expr[T] { return wrap[T](&subqueryNode{query: q}) }

// Exists is "EXISTS (subquery)".
func Exists(q SelectQuery) Condition { return wrap[bool](&subqueryNode{query: q, exists: true}) }

// NotExists is "NOT EXISTS (subquery)".
func NotExists(q SelectQuery) Condition { return Not(Exists(q)) }

// subquery writes a query in parentheses. columns, when not 0, is the number of
// columns the context needs (1 for IN and scalar subqueries).
func (c *compiler) subquery(q SelectQuery, columns int) {
	if q == nil {
		c.failf("missing subquery (nil)")
		return
	}
	if columns > 0 {
		if n := len(q.resultColumns()); n != columns {
			c.fail(errors.New("sqlb: a subquery used as a value or with IN must select exactly one column"))
		}
	}
	// Column references inside the subquery are always qualified and never replaced by
	// result names.
	savedBare, savedLabels := c.bareColumnsOf, c.compoundLabels
	c.bareColumnsOf, c.compoundLabels = nil, nil
	c.writeByte('(')
	q.writeQuery(c)
	c.writeByte(')')
	c.bareColumnsOf, c.compoundLabels = savedBare, savedLabels
}
