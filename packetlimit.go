package myx

import (
	"fmt"
	"strconv"

	"github.com/myxdb/myx/internal/wire"
)

// ErrPacketTooLarge is wrapped by the error a read fails with when the server sends a packet
// (after joining the 16 MiB pieces of a split one) larger than Config.MaxPacketSize. The
// connection is closed.
var ErrPacketTooLarge = wire.ErrPacketTooLarge

// ErrMalformed is wrapped by the error a connection fails with when the server sends bytes
// that do not follow the protocol (a truncated greeting, a packet that ends inside a field, a
// compressed packet that does not decompress to its announced length...). The connection is
// closed.
var ErrMalformed = wire.ErrMalformed

const (
	maxMaxPacketSize = wire.MaxPacketLimit // 1 GiB
)

// parseMaxPacketSize parses the max_packet_size DSN parameter: bytes, 1 to 1 GiB.
func parseMaxPacketSize(v string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, err
	}
	if n <= 0 || n > maxMaxPacketSize {
		return 0, fmt.Errorf("%d bytes is outside 1 to %d (1 GiB, the largest max_allowed_packet a server accepts)", n, maxMaxPacketSize)
	}
	return n, nil
}

// checkMaxPacketSize refuses a Config.MaxPacketSize a connection cannot honour.
func checkMaxPacketSize(cfg *Config) error {
	if cfg.MaxPacketSize < 0 || cfg.MaxPacketSize > maxMaxPacketSize {
		return &ConfigError{Msg: fmt.Sprintf("parameter max_packet_size (Config.MaxPacketSize): %d bytes is outside 0 (the default, 64 MiB) to %d (1 GiB, the largest max_allowed_packet a server accepts)", cfg.MaxPacketSize, maxMaxPacketSize)}
	}
	return nil
}
