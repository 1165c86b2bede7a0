package myx

import "crypto/tls"

// PollTLS reports whether c is a TLS connection whose replies are awaited by a pollReader.
func PollTLS(c *Conn) bool {
	_, ok := c.nc.(*tls.Conn)
	return ok && c.poll != nil
}
