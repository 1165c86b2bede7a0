module github.com/myxdb/myx/bench

go 1.26

require (
	github.com/go-sql-driver/mysql v1.10.1
	github.com/myxdb/myx v0.0.0
)

require (
	filippo.io/edwards25519 v1.2.0 // indirect
	github.com/klauspost/compress v1.20.4 // indirect
)

replace github.com/myxdb/myx => ../
