package sqlb

// CreateOption modifies MetaData.CreateAllDDL.
type CreateOption func(*schemaOptions)

// DropOption modifies MetaData.DropAllDDL.
type DropOption func(*schemaOptions)

type schemaOptions struct {
	conditional bool
}

// IfNotExists makes CreateAllDDL create only what is missing: CREATE TABLE IF NOT
// EXISTS, and IF NOT EXISTS on foreign keys added by ALTER TABLE (MariaDB only, so a
// schema with foreign-key cycles then fails to compile for MySQL).
func IfNotExists() CreateOption { return func(o *schemaOptions) { o.conditional = true } }

// IfExists makes DropAllDDL drop only what exists: DROP TABLE IF EXISTS, and IF EXISTS
// on foreign keys dropped by ALTER TABLE (MariaDB 10.5.2+ only).
func IfExists() DropOption { return func(o *schemaOptions) { o.conditional = true } }

// CreateAllDDL returns the statements that create every table of m, in foreign-key
// order: a table comes after the tables it references. Foreign keys that form a cycle
// cannot be created with their tables; they are left out of CREATE TABLE and added by
// ALTER TABLE statements at the end. Compile each statement (or use CompileAll) and
// execute them in order.
func (m *MetaData) CreateAllDDL(opts ...CreateOption) []Statement {
	var o schemaOptions
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	order, deferred := m.dependencyOrder()
	var out []Statement
	for _, t := range order {
		stmt := CreateTable(t)
		for _, fk := range deferred[t] {
			stmt.omit = append(stmt.omit, fk.Name)
		}
		if o.conditional {
			stmt = stmt.IfNotExists()
		}
		out = append(out, stmt)
	}
	for _, t := range order {
		for _, fk := range deferred[t] {
			add := AddForeignKey(t, fk)
			if o.conditional {
				add = add.IfNotExists()
			}
			out = append(out, add)
		}
	}
	return out
}

// DropAllDDL returns the statements that drop every table of m, in reverse foreign-key
// order: a table goes before the tables it references. Foreign keys that form a cycle
// are dropped first with ALTER TABLE.
func (m *MetaData) DropAllDDL(opts ...DropOption) []Statement {
	var o schemaOptions
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	order, deferred := m.dependencyOrder()
	var out []Statement
	for _, t := range order {
		for _, fk := range deferred[t] {
			drop := DropForeignKey(t, fk.Name)
			if o.conditional {
				drop = drop.IfExists()
			}
			out = append(out, drop)
		}
	}
	for i := len(order) - 1; i >= 0; i-- {
		drop := DropTable(order[i])
		if o.conditional {
			drop = drop.IfExists()
		}
		out = append(out, drop)
	}
	return out
}

// SortedTables returns m's tables in foreign-key order (referenced tables first), the
// order CreateAllDDL creates them in. Ties keep definition order.
func (m *MetaData) SortedTables() []*Table {
	order, _ := m.dependencyOrder()
	return order
}

// dependencyOrder sorts the tables so that every table follows those it references,
// keeping definition order where the foreign keys leave a choice. Foreign keys between
// tables of one cycle are returned separately (by table): they must be added after all
// the tables exist. A table referencing itself is no cycle: its key is created inline.
func (m *MetaData) dependencyOrder() ([]*Table, map[*Table][]ForeignKey) {
	tables := m.tables
	index := make(map[*Table]int, len(tables))
	for i, t := range tables {
		index[t] = i
	}
	// deps[i] lists the tables (by index) table i references, within m.
	deps := make([][]int, len(tables))
	for i, t := range tables {
		for _, fk := range t.foreignKeys {
			if j, ok := index[fk.ReferencedTable()]; ok && j != i {
				deps[i] = append(deps[i], j)
			}
		}
	}
	component := stronglyConnected(deps)
	size := map[int]int{}
	for _, comp := range component {
		size[comp]++
	}
	deferred := map[*Table][]ForeignKey{}
	for i, t := range tables {
		for _, fk := range t.foreignKeys {
			j, ok := index[fk.ReferencedTable()]
			if ok && j != i && component[i] == component[j] && size[component[i]] > 1 {
				deferred[t] = append(deferred[t], fk)
			}
		}
	}
	// Repeatedly take the first table (in definition order) whose remaining
	// dependencies, not counting deferred keys, are all placed.
	placed := make([]bool, len(tables))
	order := make([]*Table, 0, len(tables))
	for len(order) < len(tables) {
		for i, t := range tables {
			if placed[i] {
				continue
			}
			ready := true
			for _, j := range deps[i] {
				if !placed[j] && component[i] != component[j] {
					ready = false
					break
				}
			}
			if ready {
				placed[i] = true
				order = append(order, t)
				break
			}
		}
	}
	return order, deferred
}

// stronglyConnected returns the strongly connected component of each node of the
// graph (Tarjan's algorithm); nodes on a common cycle share a component number.
func stronglyConnected(edges [][]int) []int {
	n := len(edges)
	const unvisited = -1
	order := make([]int, n)
	low := make([]int, n)
	comp := make([]int, n)
	onStack := make([]bool, n)
	for i := range order {
		order[i] = unvisited
	}
	var stack []int
	counter, components := 0, 0
	var visit func(v int)
	visit = func(v int) {
		order[v], low[v] = counter, counter
		counter++
		stack = append(stack, v)
		onStack[v] = true
		for _, w := range edges[v] {
			switch {
			case order[w] == unvisited:
				visit(w)
				low[v] = min(low[v], low[w])
			case onStack[w]:
				low[v] = min(low[v], order[w])
			}
		}
		if low[v] == order[v] {
			for {
				w := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				onStack[w] = false
				comp[w] = components
				if w == v {
					break
				}
			}
			components++
		}
	}
	for v := range n {
		if order[v] == unvisited {
			visit(v)
		}
	}
	return comp
}
