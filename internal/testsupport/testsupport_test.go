package testsupport

import (
	"strings"
	"testing"
)

func TestWithDatabase(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"mysql://root@127.0.0.1:3306/test", "mysql://root@127.0.0.1:3306/ex"},
		{"mysql://root@127.0.0.1:3306/test?tls=disabled&socket=/a/b", "mysql://root@127.0.0.1:3306/ex?tls=disabled&socket=/a/b"},
		{"mysql://root@127.0.0.1:3306", "mysql://root@127.0.0.1:3306/ex"},
		{"mysql://root@127.0.0.1:3306/", "mysql://root@127.0.0.1:3306/ex"},
		{"root@tcp(127.0.0.1:3306)/test?parseTime=true", "root@tcp(127.0.0.1:3306)/ex?parseTime=true"},
		{"root@unix(/run/mysqld/mysqld.sock)/test", "root@unix(/run/mysqld/mysqld.sock)/ex"},
		{"root@unix(/run/mysqld/mysqld.sock)/", "root@unix(/run/mysqld/mysqld.sock)/ex"},
		{"u:p@tcp(h:1)/", "u:p@tcp(h:1)/ex"},
	} {
		if got := WithDatabase(c.in, "ex"); got != c.want {
			t.Errorf("WithDatabase(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestUniqueName(t *testing.T) {
	a, b := UniqueName(t, "x_"), UniqueName(t, "x_")
	if a == b || !strings.HasPrefix(a, "x_testuniquename_") || len(a) != len("x_testuniquename_")+8 {
		t.Errorf("UniqueName gave %q and %q", a, b)
	}
}
