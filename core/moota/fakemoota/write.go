package fakemoota

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// note serves POST /mutation/{id}/note {"note": "..."}: it replaces the note.
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
	obj := m.object()
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, obj)
}

// tag serves POST /tagging/mutation/{id} {"name": ["order-1042"]}: it
// attaches the tags, creating those the user does not have yet; a tag the
// mutation already has stays once.
func (s *Server) tag(w http.ResponseWriter, r *http.Request) {
	var body map[string]json.RawMessage
	_ = json.NewDecoder(r.Body).Decode(&body)
	var v violations
	var names []string
	if raw, ok := body["name"]; !ok || string(raw) == "null" || string(raw) == "[]" {
		v.add("name", "The name field is required.")
	} else if json.Unmarshal(raw, &names) != nil {
		v.add("name", "The name must be an array.")
	} else {
		for i, n := range names {
			if strings.TrimSpace(n) == "" {
				v.add("name."+strconv.Itoa(i), "The name."+strconv.Itoa(i)+" field is required.")
			}
		}
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
	for _, n := range names {
		if n = strings.TrimSpace(n); !slices.Contains(m.tags, n) {
			m.tags = append(m.tags, n)
		}
	}
	obj := m.object()
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"status": "success", "data": obj["taggings"]})
}

func notFound(w http.ResponseWriter) {
	writeJSON(w, http.StatusNotFound, map[string]string{"message": "Mutasi tidak ditemukan."})
}
