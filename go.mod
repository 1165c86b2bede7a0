module github.com/myxdb/myx

go 1.26

require (
	filippo.io/edwards25519 v1.2.0
	github.com/klauspost/compress v1.20.4
)
