package myx

import (
	"crypto/tls"
	"crypto/x509"
)

// x509VerifyOptions builds chain-verification options for verify-ca mode: the presented
// intermediates, the configured roots (system roots when nil), no host name check.
func x509VerifyOptions(roots *x509.CertPool, cs tls.ConnectionState) x509.VerifyOptions {
	inter := x509.NewCertPool()
	for _, cert := range cs.PeerCertificates[1:] {
		inter.AddCert(cert)
	}
	return x509.VerifyOptions{Roots: roots, Intermediates: inter}
}
