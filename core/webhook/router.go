package webhook

import (
	"net/http"
)

// Router serves POST /webhooks/{name} for a set of receivers, GET /healthz,
// and a JSON 404 for anything else.
func Router(receivers map[string]*Receiver) *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("/webhooks/{name}", func(w http.ResponseWriter, r *http.Request) {
		rc, ok := receivers[r.PathValue("name")]
		if !ok {
			writeError(w, http.StatusNotFound, "no webhook named "+r.PathValue("name"))
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
