package fakeshopify

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"
)

// unauthorizedBody is Shopify's answer to a missing, wrong or expired token.
const unauthorizedBody = `{"errors":"[API] Invalid API key or access token (unrecognized login or wrong password)"}`

// validToken reports whether tok may call the API. Callers hold s.mu.
func (s *Server) validToken(tok string) bool {
	if tok == "" || s.reject {
		return false
	}
	if s.opts.AccessToken != "" && tok == s.opts.AccessToken {
		return true
	}
	exp, ok := s.tokens[tok]
	return ok && time.Now().Before(exp)
}

// ExpireTokens makes every granted client-credentials token expire now.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	for tok := range s.tokens {
		s.tokens[tok] = now
	}
}

// RejectTokens makes every token, static or granted, old or new, invalid
// while on (an uninstalled app); grants still succeed.
func (s *Server) RejectTokens(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reject = on
}

// IssuedTokens returns every token granted so far, so tests can check that
// none leaks into an error or a log.
func (s *Server) IssuedTokens() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.tokens))
	for tok := range s.tokens {
		out = append(out, tok)
	}
	slices.Sort(out)
	return out
}

// grant serves POST /admin/oauth/access_token with the client-credentials
// grant: form grant_type=client_credentials&client_id=..&client_secret=..
func (s *Server) grant(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeJSON(w, http.StatusMethodNotAllowed, map[string]any{"error": "method_not_allowed"})
		return
	}
	if err := r.ParseForm(); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "invalid_request", "error_description": "malformed form body"})
		return
	}
	if r.PostForm.Get("grant_type") != "client_credentials" {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "unsupported_grant_type"})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.opts.ClientID == "" || r.PostForm.Get("client_id") != s.opts.ClientID || r.PostForm.Get("client_secret") != s.opts.ClientSecret {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "invalid_client", "error_description": "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method."})
		return
	}
	var b [16]byte
	_, _ = rand.Read(b[:])
	tok := "shpat_" + hex.EncodeToString(b[:])
	s.tokens[tok] = time.Now().Add(s.opts.TokenTTL)
	s.stats.TokenGrants++
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": tok, "scope": strings.Join(s.grantedScopes(), ","), "expires_in": int(s.opts.TokenTTL / time.Second),
	})
}

func (s *Server) grantedScopes() []string {
	out := make([]string, 0, len(s.scopes))
	for sc := range s.scopes {
		out = append(out, sc)
	}
	slices.Sort(out)
	return out
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
