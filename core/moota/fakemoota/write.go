package fakemoota

import (
	"encoding/json"
	"net/http"
	"strings"
)

// note serves POST /mutation/{id}/note {"note": "..."}: it replaces the
// note and answers {"status":true,"mutation":{...}} (moota-php-sdk
// tests/Mocking/Mutation/MockaddNoteMutationResponse.json).
func (s *Server) note(w http.ResponseWriter, r *http.Request) {
	var body map[string]json.RawMessage
	_ = json.NewDecoder(r.Body).Decode(&body)
	var v violations
	var note string
	if raw, ok := body["note"]; !ok || string(raw) == "null" {
		v.add("note", "The note field is required.")
	} else if json.Unmarshal(raw, &note) != nil {
		v.add("note", "The note must be a string.")
	} else if strings.TrimSpace(note) == "" {
		// Laravel's TrimStrings and ConvertEmptyStringsToNull make "  " null.
		v.add("note", "The note field is required.")
	}
	if v.answer(w) {
		return
	}
	s.mu.Lock()
	m := s.byID[r.PathValue("id")]
	if m == nil {
		s.mu.Unlock()
		notFound(w)
		return
	}
	note = strings.TrimSpace(note)
	m.note = &note
	s.writes = append(s.writes, Write{Kind: "note", MutationID: m.id, Note: note})
	obj := m.object()
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"status": true, "mutation": obj})
}

// notFound answers for a mutation Moota does not have: 404 with the body
// of moota-php-sdk tests/Mocking/Mutation/MockFailAddNoteMutationResponse.json,
// which its test server sends for a note on an unknown mutation.
func notFound(w http.ResponseWriter) {
	writeRaw(w, http.StatusNotFound, notFoundBody)
}
