package config

import (
	"crypto/tls"
	"path/filepath"

	"github.com/hashicorp/hcl/v2"
)

// TLS is a `tls` block, at the top of the file for the public listener or
// inside `admin` for the operators' listener: the listener then serves
// HTTPS (TLS 1.2 or later) with this certificate. `lunas serve` reads the
// files again on SIGHUP, so a renewed certificate is served without a
// restart.
type TLS struct {
	// CertFile is the PEM certificate chain, the server's certificate first
	// (as Let's Encrypt's fullchain.pem). Required.
	CertFile string
	// KeyFile is the PEM private key of that certificate. Required.
	KeyFile string
}

var tlsSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "cert_file"}, {Name: "key_file"}},
}

// tls decodes a tls block found in blocks (nil when there is none). A
// relative path is taken relative to the configuration file's directory,
// so that it does not depend on where lunas was started.
func (d *decoder) tls(blocks hcl.Blocks, what string) (*TLS, place) {
	b := d.single(blocks)
	if b == nil {
		return nil, place{}
	}
	p := newPlace("", what, b.DefRange)
	attrs := d.content(b.Body, tlsSchema).Attributes
	t := &TLS{}
	d.str(attrs, "cert_file", p, &t.CertFile)
	d.str(attrs, "key_file", p, &t.KeyFile)
	dir := filepath.Dir(b.DefRange.Filename)
	for _, f := range []*string{&t.CertFile, &t.KeyFile} {
		if *f != "" && !filepath.IsAbs(*f) {
			*f = filepath.Join(dir, *f)
		}
	}
	return t, p
}

// validateTLS checks that both files are named and hold a certificate and
// its private key. It reads the files, so that `lunas check` finds an
// expired mount or a mismatched key before `lunas serve` would.
func validateTLS(v *problems, t *TLS, p place, what string) {
	if t == nil {
		return
	}
	if t.CertFile == "" {
		v.add(p.at("cert_file"), "%s: cert_file is required (the PEM certificate chain)", what)
	}
	if t.KeyFile == "" {
		v.add(p.at("key_file"), "%s: key_file is required (the PEM private key)", what)
	}
	if t.CertFile == "" || t.KeyFile == "" {
		return
	}
	if _, err := tls.LoadX509KeyPair(t.CertFile, t.KeyFile); err != nil {
		v.add(p.at("cert_file"), "%s: cannot use cert_file and key_file: %v", what, err)
	}
}
