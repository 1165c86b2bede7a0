package sqlb

import (
	"errors"
	"fmt"
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
// version means the flavour never had it.
type feature struct {
	name    string
	mysql   *Version
	mariadb *Version
}

func since(major, minor, patch int) *Version { return &Version{major, minor, patch} }

var (
	featureCTE              = feature{"WITH (common table expressions)", since(8, 0, 1), since(10, 2, 1)}
	featureRecursiveCTE     = feature{"WITH RECURSIVE", since(8, 0, 1), since(10, 2, 2)}
	featureWindow           = feature{"window functions (OVER)", since(8, 0, 2), since(10, 2, 0)}
	featureForShare         = feature{"FOR SHARE", since(8, 0, 1), nil}
	featureSkipLocked       = feature{"SKIP LOCKED", since(8, 0, 1), since(10, 6, 0)}
	featureNoWait           = feature{"NOWAIT", since(8, 0, 1), since(10, 3, 0)}
	featureLockWait         = feature{"WAIT n in a locking clause", nil, since(10, 3, 0)}
	featureLockOf           = feature{"OF tables in a locking clause", since(8, 0, 1), nil}
	featureInsertReturning  = feature{"RETURNING on INSERT and REPLACE", nil, since(10, 5, 0)}
	featureDeleteReturning  = feature{"RETURNING on DELETE", nil, since(10, 0, 5)}
	featureRowAlias         = feature{"a row alias in INSERT (AS new)", since(8, 0, 19), nil}
	featureIntersectExcept  = feature{"INTERSECT and EXCEPT", since(8, 0, 31), since(10, 3, 0)}
	featureSetOpAll         = feature{"INTERSECT ALL and EXCEPT ALL", since(8, 0, 31), since(10, 5, 0)}
	featureDefaultExpr      = feature{"an expression as a column DEFAULT", since(8, 0, 13), since(10, 2, 1)}
	featureIndexIfNotExist  = feature{"CREATE INDEX IF NOT EXISTS", nil, since(10, 1, 4)}
	featureFKIfNotExists    = feature{"ADD FOREIGN KEY IF NOT EXISTS", nil, since(10, 0, 2)}
	featureFKIfExists       = feature{"DROP FOREIGN KEY IF EXISTS", nil, since(10, 0, 2)}
	featureAlterIfExists    = feature{"ALTER TABLE IF EXISTS", nil, since(10, 5, 2)}
	featureJSONType         = feature{"the JSON column type", since(5, 7, 8), since(10, 2, 7)}
	featureGenerated        = feature{"generated columns (GENERATED ALWAYS AS)", since(5, 7, 6), since(10, 2, 1)}
	featureGeneratedNotNull = feature{"NOT NULL on a generated column (make it Nullable)", since(5, 7, 6), nil}
)

// supports reports whether the dialect has the feature.
func (d Dialect) supports(f feature) bool {
	d = d.resolved()
	min := f.mysql
	if d.Flavor == FlavorMariaDB {
		min = f.mariadb
	}
	return min != nil && d.Version.AtLeast(min.Major, min.Minor, min.Patch)
}

// unsupported builds the error for a feature the dialect lacks.
func (d Dialect) unsupported(f feature) error {
	hint := ""
	switch {
	case f.mysql != nil && f.mariadb != nil:
		hint = fmt.Sprintf("MySQL %s+, MariaDB %s+", f.mysql, f.mariadb)
	case f.mysql != nil:
		hint = fmt.Sprintf("MySQL %s+ only", f.mysql)
	case f.mariadb != nil:
		hint = fmt.Sprintf("MariaDB %s+ only", f.mariadb)
	}
	return &UnsupportedError{Feature: f.name, Dialect: d.resolved(), Hint: hint}
}
