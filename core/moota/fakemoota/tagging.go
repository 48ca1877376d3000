package fakemoota

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// The tagging endpoints follow Moota's PHP SDK (moota-co/moota-php-sdk):
// the routes in src/Config/Moota.php (ENDPOINT_TAGGING_INDEX, _STORE,
// ENDPOINT_ATTATCH_TAGGING_MUTATION), the answers in tests/Mocking/Tagging/
// (MockListTaggingResponse.json, MockSuccessStoreTaggingResponse.json,
// MockInvalidRequestTaggingResponse.json), and its test server
// tests/server/public/index.php, which answers an attach naming a tag the
// user does not have with 422 tests/Mocking/MockRequestNotFound.json
// ({"error":true,"message":"Data tidak ditemukan"}) and a good one with
// tests/Mocking/MockRequestSuccessResponse.json ({"message":"OK"}). Moota's
// official WordPress plugin therefore creates a missing tag before every
// attach (moota-co/moota-wordpress, src/Concerns/MootaPayment.php:
// createTag, attachTransactionId, attachPlatform).

// notFoundBody is Moota's answer for an id or tag it does not know
// (tests/Mocking/MockRequestNotFound.json).
const notFoundBody = `{"error":true,"message":"Data tidak ditemukan"}`

// Tag is one of the user's tags.
type Tag struct {
	Name string `json:"name"`
	ID   string `json:"tag_id"`
}

// Write is one change the API made, in the order it happened: a tag
// created, tags attached to a mutation, a note set.
type Write struct {
	Kind       string   // "create_tag", "attach" or "note"
	MutationID string   // attach, note
	Tags       []string // create_tag (one name), attach (the names)
	Note       string   // note
}

// AddTag gives the user a tag, as if made in Moota's dashboard, and
// returns its id. An existing name keeps its id.
func (s *Server) AddTag(name string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addTag(name).ID
}

func (s *Server) addTag(name string) Tag {
	for _, t := range s.tags {
		if t.Name == name {
			return t
		}
	}
	t := Tag{Name: name, ID: tagID(name)}
	s.tags = append(s.tags, t)
	return t
}

// RemoveTag deletes a tag, as a merchant can in Moota's dashboard; the
// mutations that had it lose it.
func (s *Server) RemoveTag(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tags = slices.DeleteFunc(s.tags, func(t Tag) bool { return t.Name == name })
	for _, m := range s.mutations {
		m.tags = slices.DeleteFunc(m.tags, func(t string) bool { return t == name })
	}
}

// TagList returns the user's tags, oldest first.
func (s *Server) TagList() []Tag {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.tags)
}

// Writes returns what the API changed, oldest first.
func (s *Server) Writes() []Write {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.writes)
}

// listTags serves GET /tagging: {"error":false,"tagging":[{name, tag_id}]}.
// The SDK's getTaggings sends ?tag=a,b to filter by name (src/Domain/Tagging.php).
func (s *Server) listTags(w http.ResponseWriter, r *http.Request) {
	var only []string
	if q := strings.TrimSpace(r.URL.Query().Get("tag")); q != "" {
		only = strings.Split(q, ",")
	}
	s.mu.Lock()
	out := []Tag{}
	for _, t := range s.tags {
		if only == nil || slices.Contains(only, t.Name) {
			out = append(out, t)
		}
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"error": false, "tagging": out})
}

// createTag serves POST /tagging {"name": "..."}: 200 with the new tag, or
// the SDK's 422 when the name is missing. Creating a name the user already
// has is not documented; the fake answers with the existing tag, and a
// client must cope with a 422 there too (it lists the tags again).
func (s *Server) createTag(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Name any `json:"name"`
	}
	_ = json.NewDecoder(r.Body).Decode(&body)
	name, _ := body.Name.(string)
	if name = strings.TrimSpace(name); name == "" {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{
			"message": "The given data was invalid.",
			"errors":  map[string][]string{"name": {"Kolom name harus diisi."}},
		})
		return
	}
	s.mu.Lock()
	existed := slices.ContainsFunc(s.tags, func(t Tag) bool { return t.Name == name })
	t := s.addTag(name)
	if !existed {
		s.writes = append(s.writes, Write{Kind: "create_tag", Tags: []string{name}})
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"error": false, "tagging": t})
}

// attachTags serves POST /tagging/mutation/{id} {"name": ["1042", "WooCommerce"]}:
// every name must be a tag the user has (else 422 "Data tidak ditemukan",
// nothing attached); a tag the mutation already has stays once.
func (s *Server) attachTags(w http.ResponseWriter, r *http.Request) {
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
				v.add(fmt.Sprintf("name.%d", i), fmt.Sprintf("The name.%d field is required.", i))
			}
		}
	}
	if v.answer(w) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.byID[r.PathValue("id")]
	if m == nil {
		notFound(w)
		return
	}
	for _, n := range names {
		if !slices.ContainsFunc(s.tags, func(t Tag) bool { return t.Name == strings.TrimSpace(n) }) {
			writeRaw(w, http.StatusUnprocessableEntity, notFoundBody)
			return
		}
	}
	var added []string
	for _, n := range names {
		if n = strings.TrimSpace(n); !slices.Contains(m.tags, n) {
			m.tags = append(m.tags, n)
			added = append(added, n)
		}
	}
	s.writes = append(s.writes, Write{Kind: "attach", MutationID: m.id, Tags: added})
	writeRaw(w, http.StatusOK, `{"message":"OK"}`)
}

func writeRaw(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}
