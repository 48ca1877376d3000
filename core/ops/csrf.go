package ops

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// CSRFField is the form field, and CSRFHeader the header, that carry a
// CSRF token on a state-changing form post.
const (
	CSRFField  = "csrf_token"
	CSRFHeader = "X-CSRF-Token"
)

// CSRFTokenLifetime is how long a token from CSRFToken stays valid: a page
// left open longer asks for a reload.
const CSRFTokenLifetime = 12 * time.Hour

// CSRFKey signs CSRF tokens. A token binds the admin login (the basic-auth
// user, or none) and an expiry, so a token seen by one login is useless to
// another and to anyone after it expires. It is safe for concurrent use.
type CSRFKey struct {
	key [32]byte
	now func() time.Time
}

// NewCSRFKey returns a key from crypto/rand.
func NewCSRFKey() *CSRFKey {
	k := &CSRFKey{now: time.Now}
	_, _ = rand.Read(k.key[:]) // crypto/rand.Read never fails (Go 1.24+)
	return k
}

// Token returns a token for the login of r.
func (k *CSRFKey) Token(r *http.Request) string {
	exp := strconv.FormatInt(k.now().Add(CSRFTokenLifetime).Unix(), 10)
	return exp + "." + k.sign(r, exp)
}

// Valid reports whether token was made by Token for the login of r and
// has not expired. The signature is compared in constant time.
func (k *CSRFKey) Valid(r *http.Request, token string) bool {
	exp, sig, ok := strings.Cut(token, ".")
	if !ok {
		return false
	}
	unix, err := strconv.ParseInt(exp, 10, 64)
	if err != nil || k.now().Unix() > unix {
		return false
	}
	return hmac.Equal([]byte(sig), []byte(k.sign(r, exp)))
}

func (k *CSRFKey) sign(r *http.Request, exp string) string {
	user, _, _ := r.BasicAuth()
	m := hmac.New(sha256.New, k.key[:])
	m.Write([]byte("lunas-csrf\x00" + user + "\x00" + exp))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

type csrfCtxKey struct{}

func withTokens(r *http.Request, k *CSRFKey) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), csrfCtxKey{}, k))
}

// CSRFToken returns a CSRF token for a form rendered in answer to r: put it
// in a hidden field named CSRFField (or send it as CSRFHeader). r must have
// come through a Guard; otherwise CSRFToken returns "" and the form post
// will be refused.
func CSRFToken(r *http.Request) string {
	k, _ := r.Context().Value(csrfCtxKey{}).(*CSRFKey)
	if k == nil {
		return ""
	}
	return k.Token(r)
}

// validCSRFToken reports whether token is valid for r under the key of the
// Guard r came through; without a Guard, no token is.
func validCSRFToken(r *http.Request, token string) bool {
	k, _ := r.Context().Value(csrfCtxKey{}).(*CSRFKey)
	return k != nil && k.Valid(r, token)
}
