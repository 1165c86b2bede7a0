package sqlb

import (
	"errors"
	"fmt"
	"strings"
)

// ErrUnsupported is matched (with errors.Is) by every error that reports a feature the
// target server does not have. Such errors come from Compile, before anything is sent.
var ErrUnsupported = errors.New("sqlb: not supported by the target server")

// UnsupportedError reports a feature that the target dialect does not support.
type UnsupportedError struct {
	Feature string  // what was asked for, for example "RETURNING on INSERT"
	Dialect Dialect // the target it was compiled for
	Hint    string  // which servers have it, when any do
}

// Error describes the missing feature and where it is available.
func (e *UnsupportedError) Error() string {
	msg := fmt.Sprintf("sqlb: %s is not supported by %s", e.Feature, e.Dialect)
	if e.Hint != "" {
		msg += " (" + e.Hint + ")"
	}
	return msg
}

// Is makes errors.Is(err, ErrUnsupported) true.
func (e *UnsupportedError) Is(target error) bool { return target == ErrUnsupported }

// feature is a piece of syntax that exists from some version of each flavour on; a nil
// version means the flavour does not have it. TiDB's versions are its own releases.
type feature struct {
	name    string
	mysql   *Version
	mariadb *Version
	tidb    *Version
	// note qualifies the support, for the error's hint (what a flavour accepts only in
	// part, for instance).
	note string
}

func since(major, minor, patch int) *Version {
	return &Version{Major: major, Minor: minor, Patch: patch}
}

// always is for what every version sqlb targets has.
var always = since(0, 0, 0)

// The feature table. TiDB's entries come from its documentation and its parser and
// planner (pingcap/tidb, late 2025), checked against a tidb-server of that source: the
// SQL TiDB runs, not only parses. SKIP LOCKED,
// FOR SHARE, INTERSECT ALL and EXCEPT ALL are parsed by TiDB but refused or ignored, so
// they are absent here; an expression DEFAULT is there from 8.0.0 for the expressions
// TiDB lists (others the server refuses).
var (
	featureCTE              = feature{name: "WITH (common table expressions)", mysql: since(8, 0, 1), mariadb: since(10, 2, 1), tidb: since(5, 1, 0)}
	featureRecursiveCTE     = feature{name: "WITH RECURSIVE", mysql: since(8, 0, 1), mariadb: since(10, 2, 2), tidb: since(5, 1, 0)}
	featureWindow           = feature{name: "window functions (OVER)", mysql: since(8, 0, 2), mariadb: since(10, 2, 0), tidb: since(3, 0, 0)}
	featureShareLock        = feature{name: "a shared lock (FOR SHARE, LOCK IN SHARE MODE)", mysql: always, mariadb: always, note: "TiDB runs it only as a no-op, with tidb_enable_noop_functions"}
	featureForShare         = feature{name: "FOR SHARE", mysql: since(8, 0, 1)}
	featureSkipLocked       = feature{name: "SKIP LOCKED", mysql: since(8, 0, 1), mariadb: since(10, 6, 0)}
	featureNoWait           = feature{name: "NOWAIT", mysql: since(8, 0, 1), mariadb: since(10, 3, 0), tidb: since(4, 0, 0)}
	featureLockWait         = feature{name: "WAIT n in a locking clause", mariadb: since(10, 3, 0), tidb: since(5, 0, 0)}
	featureLockOf           = feature{name: "OF tables in a locking clause", mysql: since(8, 0, 1), tidb: since(5, 3, 0)}
	featureInsertReturning  = feature{name: "RETURNING on INSERT and REPLACE", mariadb: since(10, 5, 0)}
	featureDeleteReturning  = feature{name: "RETURNING on DELETE", mariadb: since(10, 0, 5)}
	featureRowAlias         = feature{name: "a row alias in INSERT (AS new)", mysql: since(8, 0, 19)}
	featureIntersectExcept  = feature{name: "INTERSECT and EXCEPT", mysql: since(8, 0, 31), mariadb: since(10, 3, 0), tidb: since(5, 0, 0)}
	featureSetOpAll         = feature{name: "INTERSECT ALL and EXCEPT ALL", mysql: since(8, 0, 31), mariadb: since(10, 5, 0)}
	featureDefaultExpr      = feature{name: "an expression as a column DEFAULT", mysql: since(8, 0, 13), mariadb: since(10, 2, 1), tidb: since(8, 0, 0), note: "TiDB accepts only the expressions its documentation lists"}
	featureIndexIfNotExist  = feature{name: "CREATE INDEX IF NOT EXISTS", mariadb: since(10, 1, 4), tidb: since(3, 0, 0)}
	featureFKIfNotExists    = feature{name: "ADD FOREIGN KEY IF NOT EXISTS", mariadb: since(10, 0, 2)}
	featureFKIfExists       = feature{name: "DROP FOREIGN KEY IF EXISTS", mariadb: since(10, 0, 2)}
	featureAlterIfExists    = feature{name: "ALTER TABLE IF EXISTS", mariadb: since(10, 5, 2)}
	featureJSONType         = feature{name: "the JSON column type", mysql: since(5, 7, 8), mariadb: since(10, 2, 7), tidb: since(2, 1, 0)}
	featureGenerated        = feature{name: "generated columns (GENERATED ALWAYS AS)", mysql: since(5, 7, 6), mariadb: since(10, 2, 1), tidb: since(2, 1, 0)}
	featureMultibyteEscape  = feature{name: "a LIKE escape character outside ASCII", mysql: always, mariadb: always, note: "TiDB takes a single byte"}
	featureGeneratedNotNull = feature{name: "NOT NULL on a generated column (make it Nullable)", mysql: since(5, 7, 6), tidb: since(2, 1, 0)}
)

// minVersion is the first version of d's flavour with f, or nil.
func (f feature) minVersion(d Dialect) *Version {
	switch d.resolved().Flavor {
	case FlavorMariaDB:
		return f.mariadb
	case FlavorTiDB:
		return f.tidb
	}
	return f.mysql
}

// supports reports whether the dialect has the feature.
func (d Dialect) supports(f feature) bool {
	d = d.resolved()
	min := f.minVersion(d)
	return min != nil && d.Version.AtLeast(min.Major, min.Minor, min.Patch)
}

// unsupported builds the error for a feature the dialect lacks. Its hint names the
// flavours and versions that have it.
func (d Dialect) unsupported(f feature) error {
	var have []string
	for _, fv := range []struct {
		flavor Flavor
		min    *Version
	}{{FlavorMySQL, f.mysql}, {FlavorMariaDB, f.mariadb}, {FlavorTiDB, f.tidb}} {
		switch {
		case fv.min == nil:
		case *fv.min == Version{}:
			have = append(have, fv.flavor.String())
		default:
			have = append(have, fmt.Sprintf("%s %s+", fv.flavor, fv.min))
		}
	}
	hint := strings.Join(have, ", ")
	if len(have) == 1 {
		hint += " only"
	}
	if f.note != "" {
		if hint != "" {
			hint += "; "
		}
		hint += f.note
	}
	return &UnsupportedError{Feature: f.name, Dialect: d.resolved(), Hint: hint}
}
