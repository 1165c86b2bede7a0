// Package tidb holds no code: its module pins the TiDB release that build.sh builds into
// tidb-server for myx's integration tests (the go.mod's tool directive names the command), so
// that TiDB and its dependencies never enter the library's go.mod. This file gives the module
// a package, so that go vet ./... has something to check in every module of the repository.
package tidb
