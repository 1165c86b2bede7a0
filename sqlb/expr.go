package sqlb

// Expression is any SQL expression: a column, a bound value, an operator, a function
// call, a subquery, raw SQL. Every expression also has a Go type (see Expr); this
// interface is the untyped view used where any expression fits, such as GROUP BY or
// function arguments. Expressions are immutable and safe to share between goroutines.
//
// The interface is sealed: expressions come from this package's constructors, and Text
// is the escape hatch for SQL it cannot express.
type Expression interface {
	SelectItem
	OrderItem
	// sqlNode returns the internal form the compiler renders.
	sqlNode() node
	// derive returns a column of from named name, with the Go type of the expression;
	// subqueries and CTEs expose what they select this way.
	derive(from FromItem, name string) AnyColumn
}

// Expr is an expression whose values have the Go type T. Comparisons and arithmetic take
// operands of the same T, so an integer column compares only with integers and a string
// column only with strings; Cast and Coerce cross types explicitly.
//
// Methods named after an operator take a Go value, which is always sent as a bound
// parameter; the ...Expr variants take another expression of the same type.
type Expr[T any] interface {
	Expression

	// Eq is "= v".
	Eq(v T) Condition
	// Ne is "<> v".
	Ne(v T) Condition
	// Lt is "< v".
	Lt(v T) Condition
	// Le is "<= v".
	Le(v T) Condition
	// Gt is "> v".
	Gt(v T) Condition
	// Ge is ">= v".
	Ge(v T) Condition
	// NullSafeEq is "<=> v", which is true when both sides are NULL.
	NullSafeEq(v T) Condition

	// EqExpr is "= other".
	EqExpr(other Expr[T]) Condition
	// NeExpr is "<> other".
	NeExpr(other Expr[T]) Condition
	// LtExpr is "< other".
	LtExpr(other Expr[T]) Condition
	// LeExpr is "<= other".
	LeExpr(other Expr[T]) Condition
	// GtExpr is "> other".
	GtExpr(other Expr[T]) Condition
	// GeExpr is ">= other".
	GeExpr(other Expr[T]) Condition
	// NullSafeEqExpr is "<=> other".
	NullSafeEqExpr(other Expr[T]) Condition

	// In is "IN (v1, v2, ...)". With no values it is FALSE, as no row matches.
	In(values ...T) Condition
	// NotIn is "NOT IN (v1, v2, ...)". With no values it is TRUE.
	NotIn(values ...T) Condition
	// InSelect is "IN (subquery)"; the query must select one column.
	InSelect(q SelectQuery) Condition
	// NotInSelect is "NOT IN (subquery)".
	NotInSelect(q SelectQuery) Condition
	// Between is "BETWEEN low AND high" (both ends included).
	Between(low, high T) Condition
	// NotBetween is "NOT BETWEEN low AND high".
	NotBetween(low, high T) Condition
	// BetweenExpr is "BETWEEN low AND high" with expressions as bounds.
	BetweenExpr(low, high Expr[T]) Condition
	// IsNull is "IS NULL".
	IsNull() Condition
	// IsNotNull is "IS NOT NULL".
	IsNotNull() Condition

	// Like is "LIKE pattern", with % and _ as wildcards and backslash as the escape
	// character (the server default).
	Like(pattern string) Condition
	// NotLike is "NOT LIKE pattern".
	NotLike(pattern string) Condition
	// LikeEscape is "LIKE pattern ESCAPE escape".
	LikeEscape(pattern string, escape rune) Condition
	// Contains matches values containing s literally: % and _ in s are escaped.
	Contains(s string) Condition
	// HasPrefix matches values starting with s literally.
	HasPrefix(s string) Condition
	// HasSuffix matches values ending with s literally.
	HasSuffix(s string) Condition

	// Add is "+ v".
	Add(v T) Expr[T]
	// Sub is "- v".
	Sub(v T) Expr[T]
	// Mul is "* v".
	Mul(v T) Expr[T]
	// Div is "/ v" (which MySQL computes as a decimal even for integers).
	Div(v T) Expr[T]
	// Mod is "% v".
	Mod(v T) Expr[T]
	// AddExpr is "+ other".
	AddExpr(other Expr[T]) Expr[T]
	// SubExpr is "- other".
	SubExpr(other Expr[T]) Expr[T]
	// MulExpr is "* other".
	MulExpr(other Expr[T]) Expr[T]
	// DivExpr is "/ other".
	DivExpr(other Expr[T]) Expr[T]
	// ModExpr is "% other".
	ModExpr(other Expr[T]) Expr[T]

	// Label names the expression in a select list ("expr AS name"). In the ORDER BY
	// of a statement the labelled expression is written as its label; elsewhere the
	// label is ignored and the expression itself is written.
	Label(name string) Expr[T]
	// Asc orders by the expression ascending.
	Asc() OrderItem
	// Desc orders by the expression descending.
	Desc() OrderItem
}

// Condition is a boolean expression: the argument of WHERE, HAVING, ON, CASE WHEN.
//
// A nil Condition is "no condition": Where, Having, And and Or skip it, which is how
// optional filters are written (declare a Condition, set it only when the filter
// applies).
type Condition = Expr[bool]

// typed is the one implementation of Expr[T]: an internal node and its Go type.
type typed[T any] struct {
	n node
}

// wrap gives a node the Go type T.
func wrap[T any](n node) typed[T] { return typed[T]{n: n} }

func (e typed[T]) sqlNode() node                   { return e.n }
func (e typed[T]) selectExpressions() []Expression { return []Expression{e} }
func (e typed[T]) orderTerm() orderTerm            { return orderTerm{n: e.n} }
func (e typed[T]) derive(from FromItem, name string) AnyColumn {
	return newDerivedColumn[T](from, name, e)
}

func (e typed[T]) compare(op string, right node) Condition {
	return wrap[bool](&binaryNode{left: e.n, op: op, right: right, prec: precCompare})
}

// Eq is "= v".
func (e typed[T]) Eq(v T) Condition { return e.compare("=", bindNode{v}) }

// Ne is "<> v".
func (e typed[T]) Ne(v T) Condition { return e.compare("<>", bindNode{v}) }

// Lt is "< v".
func (e typed[T]) Lt(v T) Condition { return e.compare("<", bindNode{v}) }

// Le is "<= v".
func (e typed[T]) Le(v T) Condition { return e.compare("<=", bindNode{v}) }

// Gt is "> v".
func (e typed[T]) Gt(v T) Condition { return e.compare(">", bindNode{v}) }

// Ge is ">= v".
func (e typed[T]) Ge(v T) Condition { return e.compare(">=", bindNode{v}) }

// NullSafeEq is "<=> v", which is true when both sides are NULL.
func (e typed[T]) NullSafeEq(v T) Condition { return e.compare("<=>", bindNode{v}) }

// EqExpr is "= other".
func (e typed[T]) EqExpr(o Expr[T]) Condition { return e.compare("=", nodeOf(o)) }

// NeExpr is "<> other".
func (e typed[T]) NeExpr(o Expr[T]) Condition { return e.compare("<>", nodeOf(o)) }

// LtExpr is "< other".
func (e typed[T]) LtExpr(o Expr[T]) Condition { return e.compare("<", nodeOf(o)) }

// LeExpr is "<= other".
func (e typed[T]) LeExpr(o Expr[T]) Condition { return e.compare("<=", nodeOf(o)) }

// GtExpr is "> other".
func (e typed[T]) GtExpr(o Expr[T]) Condition { return e.compare(">", nodeOf(o)) }

// GeExpr is ">= other".
func (e typed[T]) GeExpr(o Expr[T]) Condition { return e.compare(">=", nodeOf(o)) }

// NullSafeEqExpr is "<=> other".
func (e typed[T]) NullSafeEqExpr(o Expr[T]) Condition { return e.compare("<=>", nodeOf(o)) }

func (e typed[T]) in(negate bool, values []T) Condition {
	list := make([]node, len(values))
	for i, v := range values {
		list[i] = bindNode{v}
	}
	return wrap[bool](&inNode{x: e.n, list: list, negate: negate})
}

// In is "IN (v1, v2, ...)". With no values it is FALSE, as no row matches.
func (e typed[T]) In(values ...T) Condition { return e.in(false, values) }

// NotIn is "NOT IN (v1, v2, ...)". With no values it is TRUE.
func (e typed[T]) NotIn(values ...T) Condition { return e.in(true, values) }

// InSelect is "IN (subquery)"; the query must select one column.
func (e typed[T]) InSelect(q SelectQuery) Condition {
	return wrap[bool](&inNode{x: e.n, query: q, subquery: true})
}

// NotInSelect is "NOT IN (subquery)".
func (e typed[T]) NotInSelect(q SelectQuery) Condition {
	return wrap[bool](&inNode{x: e.n, query: q, subquery: true, negate: true})
}

// Between is "BETWEEN low AND high" (both ends included).
func (e typed[T]) Between(low, high T) Condition {
	return wrap[bool](&betweenNode{x: e.n, low: bindNode{low}, high: bindNode{high}})
}

// NotBetween is "NOT BETWEEN low AND high".
func (e typed[T]) NotBetween(low, high T) Condition {
	return wrap[bool](&betweenNode{x: e.n, low: bindNode{low}, high: bindNode{high}, negate: true})
}

// BetweenExpr is "BETWEEN low AND high" with expressions as bounds.
func (e typed[T]) BetweenExpr(low, high Expr[T]) Condition {
	return wrap[bool](&betweenNode{x: e.n, low: nodeOf(low), high: nodeOf(high)})
}

// IsNull is "IS NULL".
func (e typed[T]) IsNull() Condition { return wrap[bool](&isNullNode{x: e.n}) }

// IsNotNull is "IS NOT NULL".
func (e typed[T]) IsNotNull() Condition { return wrap[bool](&isNullNode{x: e.n, negate: true}) }

// Like is "LIKE pattern", with % and _ as wildcards and backslash as the escape
// character (the server default).
func (e typed[T]) Like(pattern string) Condition {
	return wrap[bool](&likeNode{x: e.n, pattern: pattern})
}

// NotLike is "NOT LIKE pattern".
func (e typed[T]) NotLike(pattern string) Condition {
	return wrap[bool](&likeNode{x: e.n, pattern: pattern, negate: true})
}

// LikeEscape is "LIKE pattern ESCAPE 'escape'": the pattern is bound, the escape
// character written into the SQL as a literal (0 means no ESCAPE clause).
func (e typed[T]) LikeEscape(pattern string, escape rune) Condition {
	return wrap[bool](&likeNode{x: e.n, pattern: pattern, escape: escape})
}

// Contains matches values containing s literally: % and _ in s are escaped.
func (e typed[T]) Contains(s string) Condition {
	return e.LikeEscape("%"+EscapeLike(s, likeEscapeChar)+"%", likeEscapeChar)
}

// HasPrefix matches values starting with s literally.
func (e typed[T]) HasPrefix(s string) Condition {
	return e.LikeEscape(EscapeLike(s, likeEscapeChar)+"%", likeEscapeChar)
}

// HasSuffix matches values ending with s literally.
func (e typed[T]) HasSuffix(s string) Condition {
	return e.LikeEscape("%"+EscapeLike(s, likeEscapeChar), likeEscapeChar)
}

func (e typed[T]) arith(op string, prec int, right node) Expr[T] {
	return wrap[T](&binaryNode{left: e.n, op: op, right: right, prec: prec, associative: true})
}

// Add is "+ v".
func (e typed[T]) Add(v T) Expr[T] { return e.arith("+", precAdd, bindNode{v}) }

// Sub is "- v".
func (e typed[T]) Sub(v T) Expr[T] { return e.arith("-", precAdd, bindNode{v}) }

// Mul is "* v".
func (e typed[T]) Mul(v T) Expr[T] { return e.arith("*", precMul, bindNode{v}) }

// Div is "/ v" (which MySQL computes as a decimal even for integers).
func (e typed[T]) Div(v T) Expr[T] { return e.arith("/", precMul, bindNode{v}) }

// Mod is "% v".
func (e typed[T]) Mod(v T) Expr[T] { return e.arith("%", precMul, bindNode{v}) }

// AddExpr is "+ other".
func (e typed[T]) AddExpr(o Expr[T]) Expr[T] { return e.arith("+", precAdd, nodeOf(o)) }

// SubExpr is "- other".
func (e typed[T]) SubExpr(o Expr[T]) Expr[T] { return e.arith("-", precAdd, nodeOf(o)) }

// MulExpr is "* other".
func (e typed[T]) MulExpr(o Expr[T]) Expr[T] { return e.arith("*", precMul, nodeOf(o)) }

// DivExpr is "/ other".
func (e typed[T]) DivExpr(o Expr[T]) Expr[T] { return e.arith("/", precMul, nodeOf(o)) }

// ModExpr is "% other".
func (e typed[T]) ModExpr(o Expr[T]) Expr[T] { return e.arith("%", precMul, nodeOf(o)) }

// Label names the expression in a select list ("expr AS name"). In the ORDER BY
// of a statement the labelled expression is written as its label; elsewhere the
// label is ignored and the expression itself is written.
func (e typed[T]) Label(name string) Expr[T] {
	inner := e.n
	if l, ok := inner.(*labelNode); ok {
		inner = l.x
	}
	return wrap[T](&labelNode{x: inner, name: name})
}

// Asc orders by the expression ascending.
func (e typed[T]) Asc() OrderItem { return orderTerm{n: e.n, dir: " ASC"} }

// Desc orders by the expression descending.
func (e typed[T]) Desc() OrderItem { return orderTerm{n: e.n, dir: " DESC"} }

// nodeOf returns the node of an expression, or a node that fails the compilation when
// the expression is nil.
func nodeOf(e Expression) node {
	if e == nil {
		return errNode{msg: "missing expression (nil)"}
	}
	if n := e.sqlNode(); n != nil {
		return n
	}
	return errNode{msg: "missing expression (nil)"}
}

// Value is a bound parameter of type T, for the places that take an expression.
func Value[T any](v T) Expr[T] { return wrap[T](bindNode{v}) }

// Null is the SQL NULL, typed as T (to insert NULL, or in COALESCE and CASE).
func Null[T any]() Expr[T] { return wrap[T](keywordNode("NULL")) }

// DefaultValue is the DEFAULT keyword: in INSERT values and UPDATE SET it stands for the
// column's default.
func DefaultValue[T any]() Expr[T] { return wrap[T](keywordNode("DEFAULT")) }

// True is the literal TRUE.
func True() Condition { return wrap[bool](keywordNode("TRUE")) }

// False is the literal FALSE.
func False() Condition { return wrap[bool](keywordNode("FALSE")) }

// Coerce gives e the Go type T without changing the SQL (SQLAlchemy's type_coerce):
// use it when the server's conversion is what you want, or to use Text as a typed value.
func Coerce[T any](e Expression) Expr[T] { return wrap[T](nodeOf(e)) }

// And joins conditions with AND. Nil conditions are skipped; with none left the result
// is nil (no condition).
func And(conds ...Condition) Condition { return logical("AND", precAnd, conds) }

// Or joins conditions with OR. Nil conditions are skipped; with none left the result is
// nil (no condition), so that an OR of optional filters that are all absent filters
// nothing.
func Or(conds ...Condition) Condition { return logical("OR", precOr, conds) }

func logical(op string, prec int, conds []Condition) Condition {
	var items []node
	for _, cond := range conds {
		if cond == nil {
			continue
		}
		n := cond.sqlNode()
		if n == nil {
			continue
		}
		if l, ok := n.(*logicalNode); ok && l.op == op {
			items = append(items, l.items...)
			continue
		}
		items = append(items, n)
	}
	switch len(items) {
	case 0:
		return nil
	case 1:
		return wrap[bool](items[0])
	}
	return wrap[bool](&logicalNode{op: op, prec: prec, items: items})
}

// Not negates a condition; Not(nil) is nil.
func Not(cond Condition) Condition {
	if cond == nil || cond.sqlNode() == nil {
		return nil
	}
	return wrap[bool](&notNode{x: cond.sqlNode()})
}

// If returns cond when ok is true and nil (no condition) otherwise, for optional
// filters inside And and Or.
func If(ok bool, cond Condition) Condition {
	if !ok {
		return nil
	}
	return cond
}

// likeEscapeChar is the escape character of Contains, HasPrefix and HasSuffix. It is
// not a backslash, whose meaning depends on the NO_BACKSLASH_ESCAPES SQL mode.
const likeEscapeChar = '!'

// EscapeLike escapes the LIKE wildcards % and _ and the escape character itself in s,
// so that s matches literally in a pattern used with that escape character.
func EscapeLike(s string, escape rune) string {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		if r == '%' || r == '_' || r == escape {
			out = append(out, escape)
		}
		out = append(out, r)
	}
	return string(out)
}
