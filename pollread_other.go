//go:build !linux

package myx

import (
	"crypto/tls"
	"net"
	"time"
)

// pollReader is Linux-only; elsewhere replies are awaited in the runtime's network poller.
type pollReader struct {
	waitFirst bool
	idle      time.Duration
}

func newPollReader(net.Conn, *pollGroup) *pollReader { return nil }

func (p *pollReader) setDeadline(time.Time) {}

func (p *pollReader) interrupt() {}

func (p *pollReader) owe(int) {}

func (p *pollReader) Read([]byte) (int, error) { panic("unreachable") }

func (p *pollReader) write([]byte) (int, error) { panic("unreachable") }

func tlsTransport(_ *Config, raw net.Conn) net.Conn { return raw }

func attachPollTLS(*tls.Conn, *pollGroup) *pollReader { return nil }
