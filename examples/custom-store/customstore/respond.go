package customstore

import (
	"bytes"
	"encoding/json"
	"net/http"
)

// writeJSON writes v as the JSON body of a response with the given status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeReason writes the contract's error body, {"reason": "..."}.
func writeReason(w http.ResponseWriter, status int, reason string) {
	writeJSON(w, status, map[string]string{"reason": reason})
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }
