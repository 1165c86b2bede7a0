module github.com/myxdb/myx/gormmyx

go 1.26

replace github.com/myxdb/myx => ../

require (
	github.com/go-sql-driver/mysql v1.8.1
	github.com/myxdb/myx v0.0.0
	gorm.io/driver/mysql v1.6.0
	gorm.io/gorm v1.31.2
)

require (
	filippo.io/edwards25519 v1.2.0 // indirect
	github.com/jinzhu/inflection v1.0.0 // indirect
	github.com/jinzhu/now v1.1.5 // indirect
	github.com/klauspost/compress v1.20.4 // indirect
	golang.org/x/text v0.20.0 // indirect
)
