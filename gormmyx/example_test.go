package gormmyx_test

import (
	"errors"
	"fmt"

	"gorm.io/gorm"

	"github.com/myxdb/myx/gormmyx"
)

// Open GORM on myx with error translation; a duplicate key is then gorm.ErrDuplicatedKey.
func ExampleOpen() {
	db, err := gorm.Open(gormmyx.Open("user:pass@tcp(127.0.0.1:3306)/app?parseTime=true"),
		&gorm.Config{TranslateError: true})
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
	err = db.Create(&User{Email: "li@example.com"}).Error
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		fmt.Println("already registered")
	}
}
