package gormmyx_test

import (
	"errors"
	"fmt"
	"os"
	"testing"

	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/myxdb/myx/gormmyx"
	"github.com/myxdb/myx/internal/testsupport"
)

// dsn is the server the examples run on, such as "user:pass@tcp(127.0.0.1:3306)/app". Here it
// is a database of the examples' own on the test server (MYSQL_TEST_DSN, else
// mysql://root@127.0.0.1:3306/test), made by TestMain and dropped after the examples ran.
var dsn string

func TestMain(m *testing.M) { os.Exit(testsupport.RunExamples(m, &dsn)) }

// Open GORM on myx with error translation; a duplicate key is then gorm.ErrDuplicatedKey.
func ExampleOpen() {
	// For example "user:pass@tcp(127.0.0.1:3306)/app?parseTime=true".
	db, err := gorm.Open(gormmyx.Open(withParam(dsn, "parseTime=true")), &gorm.Config{
		TranslateError: true,
		Logger:         logger.Discard, // no log of the duplicate insert below
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	type User struct {
		gorm.Model
		Email string `gorm:"size:100;uniqueIndex"`
	}
	if err := db.AutoMigrate(&User{}); err != nil {
		fmt.Println(err)
		return
	}
	defer db.Migrator().DropTable(&User{})
	for range 2 {
		err = db.Create(&User{Email: "li@example.com"}).Error
		switch {
		case errors.Is(err, gorm.ErrDuplicatedKey):
			fmt.Println("already registered")
		case err != nil:
			fmt.Println(err)
		default:
			fmt.Println("registered")
		}
	}
	// Output:
	// registered
	// already registered
}
