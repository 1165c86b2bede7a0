// Package gormmyx opens GORM (gorm.io/gorm) on myx: a GORM dialector that runs GORM's MySQL
// dialect (gorm.io/driver/mysql: its SQL, data types, migrator and clauses) over myx's
// database/sql driver, and translates myx's server errors into GORM's.
//
//	db, err := gorm.Open(gormmyx.Open("user:pass@tcp(127.0.0.1:3306)/app?parseTime=true"),
//		&gorm.Config{TranslateError: true})
//
// The DSN may take either form myx.ParseConfig accepts (go-sql-driver's or a mysql:// URL).
// As with go-sql-driver, GORM needs parseTime=true to scan DATETIME columns into time.Time
// fields. Everything else works as with gorm.io/driver/mysql: gormmyx.New takes the same
// mysql.Config, and the dialector's Name is "mysql", so GORM plugins that switch on the
// dialect name see MySQL.
//
// With gorm.Config.TranslateError set, GORM passes every error through Dialector.Translate:
// a duplicate key becomes gorm.ErrDuplicatedKey, a foreign-key violation
// gorm.ErrForeignKeyViolated and a failed CHECK constraint gorm.ErrCheckConstraintViolated.
//
// This package lives in its own module (github.com/myxdb/myx/gormmyx), so that programs that
// use myx without GORM do not depend on GORM.
package gormmyx

import (
	"errors"

	gomysql "github.com/go-sql-driver/mysql"
	"gorm.io/driver/mysql"
	"gorm.io/gorm"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/stdlib"
)

// Dialector is GORM's MySQL dialector on myx's database/sql driver, with myx's errors
// translated. Every method but Translate is gorm.io/driver/mysql's. Make one with Open,
// OpenConfig or New; the zero value has no configuration.
type Dialector struct {
	mysql.Dialector
}

var (
	_ gorm.Dialector       = (*Dialector)(nil)
	_ gorm.ErrorTranslator = (*Dialector)(nil)
)

// Open returns a dialector that connects with sql.Open("myx", dsn). dsn takes either form
// myx.ParseConfig accepts; a malformed DSN is reported by gorm.Open. The DSN's loc (UTC by
// default) is also the time zone GORM's logger shows time arguments in.
func Open(dsn string) gorm.Dialector {
	return New(mysql.Config{DSN: dsn})
}

// OpenConfig returns a dialector whose connections are opened with cfg (see stdlib.OpenDB),
// which must not be modified afterwards. Closing the *sql.DB GORM reports (gorm.DB.DB) closes
// them.
func OpenConfig(cfg *myx.Config) gorm.Dialector {
	return New(mysql.Config{Conn: stdlib.OpenDB(cfg), DSNConfig: dsnConfig(cfg)})
}

// New returns a dialector with GORM's MySQL settings in config. Unlike mysql.New it opens
// connections through myx: config.DriverName defaults to "myx" (stdlib.DriverName), and
// config.DSN is parsed by myx rather than go-sql-driver. config.Conn, if set, is used as it is
// (for example a *sql.DB from stdlib.OpenDB) and DSN and DriverName are ignored.
// config.DSNConfig, go-sql-driver's configuration type, is used only for the time zone of the
// logger's output; New fills it from the DSN when it is nil.
func New(config mysql.Config) gorm.Dialector {
	if config.DriverName == "" {
		config.DriverName = stdlib.DriverName
	}
	if config.DSNConfig == nil && config.DSN != "" {
		if cfg, err := myx.ParseConfig(config.DSN); err == nil {
			config.DSNConfig = dsnConfig(cfg)
		}
	}
	return &Dialector{Dialector: mysql.Dialector{Config: &config}}
}

// dsnConfig returns the go-sql-driver configuration gorm.io/driver/mysql consults: only its
// Loc is read (by Explain, for the logger).
func dsnConfig(cfg *myx.Config) *gomysql.Config {
	c := gomysql.NewConfig()
	if cfg.Location != nil {
		c.Loc = cfg.Location
	}
	return c
}

// errCodes maps server error numbers to GORM's errors.
var errCodes = map[uint16]error{
	1062: gorm.ErrDuplicatedKey,           // ER_DUP_ENTRY
	1586: gorm.ErrDuplicatedKey,           // ER_DUP_ENTRY_WITH_KEY_NAME
	1216: gorm.ErrForeignKeyViolated,      // ER_NO_REFERENCED_ROW
	1217: gorm.ErrForeignKeyViolated,      // ER_ROW_IS_REFERENCED
	1451: gorm.ErrForeignKeyViolated,      // ER_ROW_IS_REFERENCED_2
	1452: gorm.ErrForeignKeyViolated,      // ER_NO_REFERENCED_ROW_2
	3819: gorm.ErrCheckConstraintViolated, // ER_CHECK_CONSTRAINT_VIOLATED (MySQL)
	4025: gorm.ErrCheckConstraintViolated, // ER_CONSTRAINT_FAILED (MariaDB)
}

// Translate implements gorm.ErrorTranslator: GORM calls it for every error when
// gorm.Config.TranslateError is set. A *myx.MySQLError anywhere in err's chain whose number
// means a duplicate key (1062, 1586), a foreign-key violation (1216, 1217, 1451, 1452) or a
// failed CHECK constraint (3819 on MySQL, 4025 on MariaDB) becomes gorm.ErrDuplicatedKey,
// gorm.ErrForeignKeyViolated or gorm.ErrCheckConstraintViolated itself, as gorm.io/driver/mysql
// returns them, so both errors.Is and == comparisons hold. Any other error, context
// cancellations included, is returned unchanged, except go-sql-driver's errors (when config.Conn
// is a go-sql-driver pool), which gorm.io/driver/mysql translates.
func (d Dialector) Translate(err error) error {
	var me *myx.MySQLError
	if errors.As(err, &me) {
		if t, ok := errCodes[me.Number]; ok {
			return t
		}
		return err
	}
	return d.Dialector.Translate(err)
}
