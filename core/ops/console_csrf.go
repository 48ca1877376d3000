package ops

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
)

// formKey signs the console's flash cookies (the Guard's CSRFKey signs its
// form tokens). It is random
// per process: a restart makes open forms stale (the post is refused and
// the operator reloads), which is the safe side. A console behind a load
// balancer over several lunas processes needs sticky sessions for forms.
type formKey struct{ key [32]byte }

// newFormKey makes a random key. crypto/rand.Read never fails (since Go
// 1.24 it crashes the program rather than return short).
func newFormKey() *formKey {
	k := &formKey{}
	_, _ = rand.Read(k.key[:])
	return k
}

func (k *formKey) mac(purpose, msg string) []byte {
	m := hmac.New(sha256.New, k.key[:])
	m.Write([]byte(purpose))
	m.Write([]byte{0})
	m.Write([]byte(msg))
	return m.Sum(nil)
}

// flash is the outcome of a form post, shown once on the page the post
// redirects to.
type flash struct {
	Kind   string `json:"k"` // "ok", "info", "refused", "error"
	Title  string `json:"t"`
	Detail string `json:"d,omitempty"`
}

// flashCookie is the cookie carrying a flash from a post to the page it
// redirects to. It is signed so that nothing but the console can put words
// on the console's pages.
const flashCookie = "lunas_flash"

// maxFlashDetail bounds what a store's refusal reason adds to the cookie.
const maxFlashDetail = 1500

func (k *formKey) setFlash(w http.ResponseWriter, path string, f flash) {
	if len(f.Detail) > maxFlashDetail {
		f.Detail = f.Detail[:maxFlashDetail] + "…"
	}
	b, _ := json.Marshal(f)
	payload := base64.RawURLEncoding.EncodeToString(b)
	sig := base64.RawURLEncoding.EncodeToString(k.mac("lunas console flash", payload))
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: payload + "." + sig, Path: path,
		MaxAge: 120, HttpOnly: true, SameSite: http.SameSiteStrictMode})
}

// takeFlash returns the flash the previous post left, if any, and clears it.
func (k *formKey) takeFlash(w http.ResponseWriter, r *http.Request, path string) *flash {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return nil
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: path, MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	payload, sig, ok := strings.Cut(c.Value, ".")
	if !ok {
		return nil
	}
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(got, k.mac("lunas console flash", payload)) {
		return nil
	}
	b, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return nil
	}
	var f flash
	if json.Unmarshal(b, &f) != nil {
		return nil
	}
	return &f
}
