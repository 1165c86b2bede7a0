package sqlb

import (
	"fmt"
	"slices"
	"time"
)

// FuncExpr is a function call. Aggregate and window functions become window function
// calls with Over.
type FuncExpr[T any] interface {
	Expr[T]
	// Over makes the call a window function: "f(...) OVER (window)". It needs MySQL
	// 8.0.2+ or MariaDB 10.2.0+.
	Over(w Window) Expr[T]
}

// funcNode is "NAME(args)" with an optional OVER clause.
type funcNode struct {
	name        string
	args        []node
	distinct    bool
	window      *Window
	needsWindow bool // ROW_NUMBER and friends are only valid with OVER
}

func (n *funcNode) writeSQL(c *compiler) {
	if !isPlainWord(n.name) {
		c.fail(fmt.Errorf("sqlb: %q is not a function name (letters, digits and underscores only)", n.name))
		return
	}
	c.write(n.name)
	c.writeByte('(')
	if n.distinct {
		c.write("DISTINCT ")
	}
	c.exprList(n.args)
	c.writeByte(')')
	if n.window != nil {
		if c.require(featureWindow) {
			c.write(" OVER ")
			n.window.write(c)
		}
	} else if n.needsWindow {
		c.fail(fmt.Errorf("sqlb: %s is a window function and needs Over", n.name))
	}
}
func (n *funcNode) precedence() int { return precAtom }
func (n *funcNode) collectFroms(add func(FromItem)) {
	for _, a := range n.args {
		a.collectFroms(add)
	}
	if n.window != nil {
		n.window.collectFroms(add)
	}
}

// funcExpr is the FuncExpr implementation.
type funcExpr[T any] struct {
	typed[T]
	fn *funcNode
}

func newFunc[T any](fn *funcNode) FuncExpr[T] {
	return funcExpr[T]{typed: wrap[T](fn), fn: fn}
}

func (f funcExpr[T]) Over(w Window) Expr[T] {
	n := *f.fn
	n.window = &w
	return wrap[T](&n)
}

// argNode turns a function argument into a node: expressions render as themselves,
// queries as scalar subqueries, anything else is a bound parameter.
func argNode(a any) node {
	switch v := a.(type) {
	case Expression:
		return nodeOf(v)
	case SelectQuery:
		return &subqueryNode{query: v}
	}
	return bindNode{a}
}

// Func calls the SQL function name with args, typed as returning T. Arguments that are
// expressions render as SQL, queries as scalar subqueries, and any other value is a bound
// parameter. The name must be a plain word (letters, digits, underscores).
//
//	sqlb.Func[string]("CONCAT", users.First, " ", users.Last)
func Func[T any](name string, args ...any) FuncExpr[T] {
	nodes := make([]node, len(args))
	for i, a := range args {
		nodes[i] = argNode(a)
	}
	return newFunc[T](&funcNode{name: name, args: nodes})
}

// CountAll is COUNT(*).
func CountAll() FuncExpr[int64] {
	return newFunc[int64](&funcNode{name: "COUNT", args: []node{keywordNode("*")}})
}

// Count is COUNT(e), the number of rows where e is not NULL.
func Count(e Expression) FuncExpr[int64] {
	return newFunc[int64](&funcNode{name: "COUNT", args: []node{nodeOf(e)}})
}

// CountDistinct is COUNT(DISTINCT e, ...).
func CountDistinct(e ...Expression) FuncExpr[int64] {
	nodes := make([]node, len(e))
	for i, x := range e {
		nodes[i] = nodeOf(x)
	}
	return newFunc[int64](&funcNode{name: "COUNT", args: nodes, distinct: true})
}

// Sum is SUM(e). The server computes integer sums as DECIMAL; they scan into T.
func Sum[T any](e Expr[T]) FuncExpr[T] {
	return newFunc[T](&funcNode{name: "SUM", args: []node{nodeOf(e)}})
}

// Max is MAX(e).
func Max[T any](e Expr[T]) FuncExpr[T] {
	return newFunc[T](&funcNode{name: "MAX", args: []node{nodeOf(e)}})
}

// Min is MIN(e).
func Min[T any](e Expr[T]) FuncExpr[T] {
	return newFunc[T](&funcNode{name: "MIN", args: []node{nodeOf(e)}})
}

// Avg is AVG(e), a float64 whatever the argument type.
func Avg(e Expression) FuncExpr[float64] {
	return newFunc[float64](&funcNode{name: "AVG", args: []node{nodeOf(e)}})
}

// Coalesce is COALESCE(first, rest...): the first argument that is not NULL.
func Coalesce[T any](first Expr[T], rest ...Expr[T]) Expr[T] {
	nodes := []node{nodeOf(first)}
	for _, e := range rest {
		nodes = append(nodes, nodeOf(e))
	}
	return newFunc[T](&funcNode{name: "COALESCE", args: nodes})
}

// Now is NOW(), the time the statement started.
func Now() Expr[time.Time] {
	return newFunc[time.Time](&funcNode{name: "NOW"})
}

func windowFunc[T any](name string, args ...node) FuncExpr[T] {
	return newFunc[T](&funcNode{name: name, args: args, needsWindow: true})
}

// literalCount is a non-negative integer written into the SQL text: the servers demand a
// literal (not a parameter) for NTILE, LAG/LEAD offsets and NTH_VALUE.
type literalCount int

func (n literalCount) writeSQL(c *compiler) {
	if n < 0 {
		c.fail(fmt.Errorf("sqlb: negative count %d in a window function", int(n)))
		return
	}
	c.writeInt(int64(n))
}
func (n literalCount) precedence() int             { return precAtom }
func (n literalCount) collectFroms(func(FromItem)) {}

// RowNumber is ROW_NUMBER(), the number of the row in its partition (needs Over).
func RowNumber() FuncExpr[int64] { return windowFunc[int64]("ROW_NUMBER") }

// Rank is RANK(), with gaps after ties (needs Over).
func Rank() FuncExpr[int64] { return windowFunc[int64]("RANK") }

// DenseRank is DENSE_RANK(), without gaps (needs Over).
func DenseRank() FuncExpr[int64] { return windowFunc[int64]("DENSE_RANK") }

// PercentRank is PERCENT_RANK() (needs Over).
func PercentRank() FuncExpr[float64] { return windowFunc[float64]("PERCENT_RANK") }

// CumeDist is CUME_DIST() (needs Over).
func CumeDist() FuncExpr[float64] { return windowFunc[float64]("CUME_DIST") }

// NTile is NTILE(buckets) (needs Over).
func NTile(buckets int) FuncExpr[int64] {
	return windowFunc[int64]("NTILE", literalCount(buckets))
}

// Lag is LAG(e, offset): the value offset rows before (needs Over).
func Lag[T any](e Expr[T], offset int) FuncExpr[T] {
	return windowFunc[T]("LAG", nodeOf(e), literalCount(offset))
}

// Lead is LEAD(e, offset): the value offset rows after (needs Over).
func Lead[T any](e Expr[T], offset int) FuncExpr[T] {
	return windowFunc[T]("LEAD", nodeOf(e), literalCount(offset))
}

// FirstValue is FIRST_VALUE(e) (needs Over).
func FirstValue[T any](e Expr[T]) FuncExpr[T] { return windowFunc[T]("FIRST_VALUE", nodeOf(e)) }

// LastValue is LAST_VALUE(e) (needs Over).
func LastValue[T any](e Expr[T]) FuncExpr[T] { return windowFunc[T]("LAST_VALUE", nodeOf(e)) }

// NthValue is NTH_VALUE(e, n) (needs Over).
func NthValue[T any](e Expr[T], n int) FuncExpr[T] {
	return windowFunc[T]("NTH_VALUE", nodeOf(e), literalCount(n))
}

// CaseExpr is a searched CASE expression, built with When and Else. Each method returns
// a new value. Its operators (Eq, In, Add, Label...) are those of the embedded Operators.
type CaseExpr[T any] struct {
	Operators[T]
	whens []caseWhen
	els   node
}

func (e CaseExpr[T]) sqlNode() node                   { return e.node() }
func (e CaseExpr[T]) selectExpressions() []Expression { return []Expression{e} }
func (e CaseExpr[T]) orderTerm() orderTerm            { return orderTerm{n: e.node()} }
func (e CaseExpr[T]) derive(from FromItem, name string) AnyColumn {
	return newDerivedColumn[T](from, name, e)
}

type caseWhen struct{ cond, result node }

// Case starts "CASE WHEN ... THEN ... [ELSE ...] END" with results of type T. It needs
// at least one When.
func Case[T any]() CaseExpr[T] {
	return CaseExpr[T]{}.rebuild()
}

func (e CaseExpr[T]) rebuild() CaseExpr[T] {
	e.Operators = Operators[T]{n: &caseNode{whens: e.whens, els: e.els}}
	return e
}

// When adds "WHEN cond THEN result", result bound as a parameter.
func (e CaseExpr[T]) When(cond Condition, result T) CaseExpr[T] {
	return e.WhenExpr(cond, Value(result))
}

// WhenExpr adds "WHEN cond THEN result".
func (e CaseExpr[T]) WhenExpr(cond Condition, result Expr[T]) CaseExpr[T] {
	e.whens = append(slices.Clip(e.whens), caseWhen{cond: nodeOf(cond), result: nodeOf(result)})
	return e.rebuild()
}

// Else sets "ELSE result".
func (e CaseExpr[T]) Else(result T) CaseExpr[T] { return e.ElseExpr(Value(result)) }

// ElseExpr sets "ELSE result".
func (e CaseExpr[T]) ElseExpr(result Expr[T]) CaseExpr[T] {
	e.els = nodeOf(result)
	return e.rebuild()
}

type caseNode struct {
	whens []caseWhen
	els   node
}

func (n *caseNode) writeSQL(c *compiler) {
	if len(n.whens) == 0 {
		c.failf("CASE needs at least one When")
		return
	}
	c.write("CASE")
	for _, w := range n.whens {
		c.write(" WHEN ")
		c.expr(w.cond)
		c.write(" THEN ")
		c.expr(w.result)
	}
	if n.els != nil {
		c.write(" ELSE ")
		c.expr(n.els)
	}
	c.write(" END")
}
func (n *caseNode) precedence() int { return precAtom }
func (n *caseNode) collectFroms(add func(FromItem)) {
	for _, w := range n.whens {
		w.cond.collectFroms(add)
		w.result.collectFroms(add)
	}
	if n.els != nil {
		n.els.collectFroms(add)
	}
}

// CastType is the target of CAST, made by the As... functions.
type CastType struct {
	sql     string
	feature *feature
	err     string
}

var featureCastDouble = feature{name: "CAST(... AS DOUBLE)", mysql: since(8, 0, 17), mariadb: since(10, 4, 5), tidb: since(5, 0, 0)}
var featureCastJSON = feature{name: "CAST(... AS JSON)", mysql: since(5, 7, 8), tidb: since(2, 1, 0)}

// AsSigned is CAST(... AS SIGNED), a signed 64-bit integer.
func AsSigned() CastType { return CastType{sql: "SIGNED"} }

// AsUnsigned is CAST(... AS UNSIGNED), an unsigned 64-bit integer.
func AsUnsigned() CastType { return CastType{sql: "UNSIGNED"} }

// AsChar is CAST(... AS CHAR(length)); length 0 means CHAR without a length.
func AsChar(length int) CastType { return sizedCast("CHAR", length) }

// AsBinary is CAST(... AS BINARY(length)); length 0 means BINARY without a length.
func AsBinary(length int) CastType { return sizedCast("BINARY", length) }

func sizedCast(name string, length int) CastType {
	switch {
	case length < 0:
		return CastType{err: fmt.Sprintf("negative length %d in CAST AS %s", length, name)}
	case length == 0:
		return CastType{sql: name}
	}
	return CastType{sql: fmt.Sprintf("%s(%d)", name, length)}
}

// AsDate is CAST(... AS DATE).
func AsDate() CastType { return CastType{sql: "DATE"} }

// AsDateTime is CAST(... AS DATETIME(fsp)), fsp being 0 to 6 fractional digits.
func AsDateTime(fsp int) CastType { return fspCast("DATETIME", fsp) }

// AsTime is CAST(... AS TIME(fsp)).
func AsTime(fsp int) CastType { return fspCast("TIME", fsp) }

func fspCast(name string, fsp int) CastType {
	if fsp < 0 || fsp > 6 {
		return CastType{err: fmt.Sprintf("fractional seconds precision %d out of range 0-6", fsp)}
	}
	if fsp == 0 {
		return CastType{sql: name}
	}
	return CastType{sql: fmt.Sprintf("%s(%d)", name, fsp)}
}

// AsDecimal is CAST(... AS DECIMAL(precision, scale)).
func AsDecimal(precision, scale int) CastType {
	if err := checkDecimal(precision, scale); err != "" {
		return CastType{err: err}
	}
	return CastType{sql: fmt.Sprintf("DECIMAL(%d,%d)", precision, scale)}
}

// AsDouble is CAST(... AS DOUBLE) (MySQL 8.0.17+, MariaDB 10.4.5+).
func AsDouble() CastType { return CastType{sql: "DOUBLE", feature: &featureCastDouble} }

// AsJSON is CAST(... AS JSON) (MySQL only).
func AsJSON() CastType { return CastType{sql: "JSON", feature: &featureCastJSON} }

// Cast is CAST(e AS type), an expression of Go type T.
//
//	sqlb.Cast[string](users.ID, sqlb.AsChar(0))
func Cast[T any](e Expression, as CastType) Expr[T] {
	return wrap[T](&castNode{x: nodeOf(e), as: as})
}

type castNode struct {
	x  node
	as CastType
}

func (n *castNode) writeSQL(c *compiler) {
	switch {
	case n.as.err != "":
		c.failf(n.as.err)
		return
	case n.as.sql == "":
		c.failf("CAST without a target type")
		return
	case n.as.feature != nil && !c.require(*n.as.feature):
		return
	}
	c.write("CAST(")
	c.expr(n.x)
	c.write(" AS ")
	c.write(n.as.sql)
	c.writeByte(')')
}
func (n *castNode) precedence() int                 { return precAtom }
func (n *castNode) collectFroms(add func(FromItem)) { n.x.collectFroms(add) }
