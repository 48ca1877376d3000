package webhook

import (
	"net/http"
	"strings"
)

// Router serves POST /webhooks/{name} for a set of receivers, GET /healthz,
// and a JSON 404 for anything else.
func Router(receivers map[string]*Receiver) *http.ServeMux {
	mux := http.NewServeMux()
	// A prefix and a map lookup: a {name} wildcard would make the mux
	// allocate its matches on every delivery.
	mux.HandleFunc("/webhooks/", func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/webhooks/")
		rc, ok := receivers[name]
		if !ok {
			writeError(w, http.StatusNotFound, "no webhook named "+name)
			return
		}
		rc.ServeHTTP(w, r)
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "not found")
	})
	return mux
}
