package myx

import (
	"testing"
	"unsafe"
)

// The decoding plan lives in a Column's padding: result metadata costs no more memory.
func TestColumnSize(t *testing.T) {
	if n := unsafe.Sizeof(Column{}); n > 112 && unsafe.Sizeof(uintptr(0)) == 8 {
		t.Errorf("Column is %d bytes, want at most 112", n)
	}
}
