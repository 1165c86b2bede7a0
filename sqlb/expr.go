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
// parameter; the ...Expr variants take another expression of the same type. Every
// expression of this package implements them through Operators, where each method is
// documented.
type Expr[T any] interface {
	Expression

	// Comparisons: = <> < <= > >= and the NULL-safe <=>.
	Eq(v T) Condition
	Ne(v T) Condition
	Lt(v T) Condition
	Le(v T) Condition
	Gt(v T) Condition
	Ge(v T) Condition
	NullSafeEq(v T) Condition
	EqExpr(other Expr[T]) Condition
	NeExpr(other Expr[T]) Condition
	LtExpr(other Expr[T]) Condition
	LeExpr(other Expr[T]) Condition
	GtExpr(other Expr[T]) Condition
	GeExpr(other Expr[T]) Condition
	NullSafeEqExpr(other Expr[T]) Condition

	// Sets, ranges and NULL: [NOT] IN (values or a subquery), [NOT] BETWEEN, IS [NOT] NULL.
	In(values ...T) Condition
	NotIn(values ...T) Condition
	InSelect(q SelectQuery) Condition
	NotInSelect(q SelectQuery) Condition
	Between(low, high T) Condition
	NotBetween(low, high T) Condition
	BetweenExpr(low, high Expr[T]) Condition
	IsNull() Condition
	IsNotNull() Condition

	// Patterns: [NOT] LIKE, and literal substring, prefix and suffix matches.
	Like(pattern string) Condition
	NotLike(pattern string) Condition
	LikeEscape(pattern string, escape rune) Condition
	Contains(s string) Condition
	HasPrefix(s string) Condition
	HasSuffix(s string) Condition

	// Arithmetic: + - * / %.
	Add(v T) Expr[T]
	Sub(v T) Expr[T]
	Mul(v T) Expr[T]
	Div(v T) Expr[T]
	Mod(v T) Expr[T]
	AddExpr(other Expr[T]) Expr[T]
	SubExpr(other Expr[T]) Expr[T]
	MulExpr(other Expr[T]) Expr[T]
	DivExpr(other Expr[T]) Expr[T]
	ModExpr(other Expr[T]) Expr[T]

	// Naming and ordering: "expr AS name", ASC, DESC.
	Label(name string) Expr[T]
	Asc() OrderItem
	Desc() OrderItem
}

// Condition is a boolean expression: the argument of WHERE, HAVING, ON, CASE WHEN.
//
// A nil Condition is "no condition": Where, Having, And and Or skip it, which is how
// optional filters are written (declare a Condition, set it only when the filter
// applies).
type Condition = Expr[bool]

// Operators holds the methods of Expr[T] that every typed expression has: comparisons,
// IN, BETWEEN, IS NULL, LIKE, arithmetic, labels and ordering. They are defined once,
// on this type: Column and CaseExpr embed it, as does every other Expr this package
// returns, so users.ID.Eq(7) and sqlb.Max(users.ID).Eq(7) call the same method.
//
// Operators is not an expression by itself; the zero Operators stands for no
// expression, and a statement using what its methods return fails to compile.
type Operators[T any] struct {
	n node
}

// node is the left operand of the operators, or an error for the zero Operators.
func (e Operators[T]) node() node {
	if e.n == nil {
		return errNode{msg: "missing expression (the zero value of an expression type)"}
	}
	return e.n
}

// typed is the Expr[T] of every expression that is not a Column or a CaseExpr: an
// internal node with its Go type, and the operators on it.
type typed[T any] struct {
	Operators[T]
}

// wrap gives a node the Go type T.
func wrap[T any](n node) typed[T] { return typed[T]{Operators[T]{n: n}} }

func (e typed[T]) sqlNode() node                   { return e.n }
func (e typed[T]) selectExpressions() []Expression { return []Expression{e} }
func (e typed[T]) orderTerm() orderTerm            { return orderTerm{n: e.n} }
func (e typed[T]) derive(from FromItem, name string) AnyColumn {
	return newDerivedColumn[T](from, name, e)
}

func (e Operators[T]) compare(op string, right node) Condition {
	return wrap[bool](&binaryNode{left: e.node(), op: op, right: right, prec: precCompare})
}

// Eq is "= v".
func (e Operators[T]) Eq(v T) Condition { return e.compare("=", bindNode{v}) }

// Ne is "<> v".
func (e Operators[T]) Ne(v T) Condition { return e.compare("<>", bindNode{v}) }

// Lt is "< v".
func (e Operators[T]) Lt(v T) Condition { return e.compare("<", bindNode{v}) }

// Le is "<= v".
func (e Operators[T]) Le(v T) Condition { return e.compare("<=", bindNode{v}) }

// Gt is "> v".
func (e Operators[T]) Gt(v T) Condition { return e.compare(">", bindNode{v}) }

// Ge is ">= v".
func (e Operators[T]) Ge(v T) Condition { return e.compare(">=", bindNode{v}) }

// NullSafeEq is "<=> v", which is true when both sides are NULL.
func (e Operators[T]) NullSafeEq(v T) Condition { return e.compare("<=>", bindNode{v}) }

// EqExpr is "= other".
func (e Operators[T]) EqExpr(o Expr[T]) Condition { return e.compare("=", nodeOf(o)) }

// NeExpr is "<> other".
func (e Operators[T]) NeExpr(o Expr[T]) Condition { return e.compare("<>", nodeOf(o)) }

// LtExpr is "< other".
func (e Operators[T]) LtExpr(o Expr[T]) Condition { return e.compare("<", nodeOf(o)) }

// LeExpr is "<= other".
func (e Operators[T]) LeExpr(o Expr[T]) Condition { return e.compare("<=", nodeOf(o)) }

// GtExpr is "> other".
func (e Operators[T]) GtExpr(o Expr[T]) Condition { return e.compare(">", nodeOf(o)) }

// GeExpr is ">= other".
func (e Operators[T]) GeExpr(o Expr[T]) Condition { return e.compare(">=", nodeOf(o)) }

// NullSafeEqExpr is "<=> other".
func (e Operators[T]) NullSafeEqExpr(o Expr[T]) Condition { return e.compare("<=>", nodeOf(o)) }

func (e Operators[T]) in(negate bool, values []T) Condition {
	list := make([]node, len(values))
	for i, v := range values {
		list[i] = bindNode{v}
	}
	return wrap[bool](&inNode{x: e.node(), list: list, negate: negate})
}

// In is "IN (v1, v2, ...)". With no values it is FALSE, as no row matches.
func (e Operators[T]) In(values ...T) Condition { return e.in(false, values) }

// NotIn is "NOT IN (v1, v2, ...)". With no values it is TRUE.
func (e Operators[T]) NotIn(values ...T) Condition { return e.in(true, values) }

// InSelect is "IN (subquery)"; the query must select one column.
func (e Operators[T]) InSelect(q SelectQuery) Condition {
	return wrap[bool](&inNode{x: e.node(), query: q, subquery: true})
}

// NotInSelect is "NOT IN (subquery)".
func (e Operators[T]) NotInSelect(q SelectQuery) Condition {
	return wrap[bool](&inNode{x: e.node(), query: q, subquery: true, negate: true})
}

// Between is "BETWEEN low AND high" (both ends included).
func (e Operators[T]) Between(low, high T) Condition {
	return wrap[bool](&betweenNode{x: e.node(), low: bindNode{low}, high: bindNode{high}})
}

// NotBetween is "NOT BETWEEN low AND high".
func (e Operators[T]) NotBetween(low, high T) Condition {
	return wrap[bool](&betweenNode{x: e.node(), low: bindNode{low}, high: bindNode{high}, negate: true})
}

// BetweenExpr is "BETWEEN low AND high" with expressions as bounds.
func (e Operators[T]) BetweenExpr(low, high Expr[T]) Condition {
	return wrap[bool](&betweenNode{x: e.node(), low: nodeOf(low), high: nodeOf(high)})
}

// IsNull is "IS NULL".
func (e Operators[T]) IsNull() Condition { return wrap[bool](&isNullNode{x: e.node()}) }

// IsNotNull is "IS NOT NULL".
func (e Operators[T]) IsNotNull() Condition {
	return wrap[bool](&isNullNode{x: e.node(), negate: true})
}

// Like is "LIKE pattern", with % and _ as wildcards and backslash as the escape
// character (the server default).
func (e Operators[T]) Like(pattern string) Condition {
	return wrap[bool](&likeNode{x: e.node(), pattern: pattern})
}

// NotLike is "NOT LIKE pattern".
func (e Operators[T]) NotLike(pattern string) Condition {
	return wrap[bool](&likeNode{x: e.node(), pattern: pattern, negate: true})
}

// LikeEscape is "LIKE pattern ESCAPE 'escape'": the pattern is bound, the escape
// character written into the SQL as a literal (0 means no ESCAPE clause).
func (e Operators[T]) LikeEscape(pattern string, escape rune) Condition {
	return wrap[bool](&likeNode{x: e.node(), pattern: pattern, escape: escape})
}

// Contains matches values containing s literally: % and _ in s are escaped.
func (e Operators[T]) Contains(s string) Condition {
	return e.LikeEscape("%"+EscapeLike(s, likeEscapeChar)+"%", likeEscapeChar)
}

// HasPrefix matches values starting with s literally.
func (e Operators[T]) HasPrefix(s string) Condition {
	return e.LikeEscape(EscapeLike(s, likeEscapeChar)+"%", likeEscapeChar)
}

// HasSuffix matches values ending with s literally.
func (e Operators[T]) HasSuffix(s string) Condition {
	return e.LikeEscape("%"+EscapeLike(s, likeEscapeChar), likeEscapeChar)
}

func (e Operators[T]) arith(op string, prec int, right node) Expr[T] {
	return wrap[T](&binaryNode{left: e.node(), op: op, right: right, prec: prec, associative: true})
}

// Add is "+ v".
func (e Operators[T]) Add(v T) Expr[T] { return e.arith("+", precAdd, bindNode{v}) }

// Sub is "- v".
func (e Operators[T]) Sub(v T) Expr[T] { return e.arith("-", precAdd, bindNode{v}) }

// Mul is "* v".
func (e Operators[T]) Mul(v T) Expr[T] { return e.arith("*", precMul, bindNode{v}) }

// Div is "/ v" (which MySQL computes as a decimal even for integers).
func (e Operators[T]) Div(v T) Expr[T] { return e.arith("/", precMul, bindNode{v}) }

// Mod is "% v".
func (e Operators[T]) Mod(v T) Expr[T] { return e.arith("%", precMul, bindNode{v}) }

// AddExpr is "+ other".
func (e Operators[T]) AddExpr(o Expr[T]) Expr[T] { return e.arith("+", precAdd, nodeOf(o)) }

// SubExpr is "- other".
func (e Operators[T]) SubExpr(o Expr[T]) Expr[T] { return e.arith("-", precAdd, nodeOf(o)) }

// MulExpr is "* other".
func (e Operators[T]) MulExpr(o Expr[T]) Expr[T] { return e.arith("*", precMul, nodeOf(o)) }

// DivExpr is "/ other".
func (e Operators[T]) DivExpr(o Expr[T]) Expr[T] { return e.arith("/", precMul, nodeOf(o)) }

// ModExpr is "% other".
func (e Operators[T]) ModExpr(o Expr[T]) Expr[T] { return e.arith("%", precMul, nodeOf(o)) }

// Label names the expression in a select list ("expr AS name"). In the ORDER BY
// of a statement the labelled expression is written as its label; elsewhere the
// label is ignored and the expression itself is written.
func (e Operators[T]) Label(name string) Expr[T] {
	inner := e.node()
	if l, ok := inner.(*labelNode); ok {
		inner = l.x
	}
	return wrap[T](&labelNode{x: inner, name: name})
}

// Asc orders by the expression ascending.
func (e Operators[T]) Asc() OrderItem { return orderTerm{n: e.node(), dir: " ASC"} }

// Desc orders by the expression descending.
func (e Operators[T]) Desc() OrderItem { return orderTerm{n: e.node(), dir: " DESC"} }

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
