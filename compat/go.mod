module github.com/myxdb/myx/compat

go 1.26

replace github.com/myxdb/myx => ../

require (
	github.com/go-sql-driver/mysql v1.10.1
	github.com/myxdb/myx v0.0.0
)

require filippo.io/edwards25519 v1.2.0 // indirect
