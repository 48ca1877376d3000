package fakeshopify

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"regexp"
	"time"
)

var graphqlPath = regexp.MustCompile(`^/admin/api/\d{4}-(01|04|07|10)/graphql\.json$`)

// ServeHTTP routes the Admin API endpoints the fake knows.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/admin/oauth/access_token":
		s.grant(w, r)
	case graphqlPath.MatchString(r.URL.Path):
		s.graphql(w, r)
	default:
		writeJSON(w, http.StatusNotFound, map[string]any{"errors": "Not Found"})
	}
}

// gqlError is one entry of a reply's top-level errors.
type gqlError struct {
	Message    string         `json:"message"`
	Extensions map[string]any `json:"extensions,omitempty"`
}

type gqlRequest struct {
	Query         string         `json:"query"`
	Variables     map[string]any `json:"variables"`
	OperationName string         `json:"operationName"`
}

func (s *Server) graphql(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	var req gqlRequest
	if err == nil {
		err = json.Unmarshal(body, &req)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stats.Requests++
	if f, ok := s.takeFailure(rootFields(req.Query)); ok {
		writeFailure(w, f)
		return
	}
	if !s.validToken(r.Header.Get("X-Shopify-Access-Token")) {
		s.stats.Unauthorized++
		writeFailure(w, Failure{Status: http.StatusUnauthorized, Body: unauthorizedBody})
		return
	}
	if r.Method != http.MethodPost || err != nil || req.Query == "" {
		writeJSON(w, http.StatusBadRequest, map[string]any{"errors": map[string]any{"query": "Required parameter missing or invalid"}})
		return
	}
	if req.Variables == nil {
		req.Variables = map[string]any{}
	}
	s.execute(w, req)
}

// rootFields names the root fields a document asks for (none if it does
// not parse).
func rootFields(query string) []string {
	doc, err := parseDocument(query)
	if err != nil {
		return nil
	}
	var out []string
	for _, s := range doc.sels {
		out = append(out, s.name)
	}
	return out
}

// execute runs a GraphQL request as Shopify does: parse and validate, check
// scopes, compute the cost, throttle, run, refund. Callers hold s.mu.
func (s *Server) execute(w http.ResponseWriter, req gqlRequest) {
	doc, err := parseDocument(req.Query)
	if err == nil {
		root := map[string]string{"query": "QueryRoot", "mutation": "Mutation"}[doc.opType]
		if err = validate(root, doc.sels); err == nil {
			err = doc.checkVariables(req.Variables)
		}
	}
	if err != nil {
		s.reply(w, nil, []gqlError{{Message: err.Error()}}, nil)
		return
	}
	if field, scope := s.denied(doc); scope != "" {
		s.reply(w, nil, []gqlError{{
			Message:    fmt.Sprintf("Access denied for %s field. Required access: `%s` access scope.", field, scope),
			Extensions: map[string]any{"code": "ACCESS_DENIED", "requiredAccess": "`" + scope + "` access scope."},
		}}, nil)
		return
	}
	requested, err := requestedCost(doc, req.Variables)
	if err != nil {
		s.reply(w, nil, []gqlError{{Message: err.Error()}}, nil)
		return
	}
	available := s.bucket.available(time.Now())
	if float64(requested) > s.bucket.max {
		s.reply(w, nil, []gqlError{{
			Message:    fmt.Sprintf("Query cost is %d, which exceeds the single query max cost limit (%d).", requested, int(s.bucket.max)),
			Extensions: map[string]any{"code": "MAX_COST_EXCEEDED", "cost": requested, "maxCost": int(s.bucket.max)},
		}}, s.cost(requested, -1))
		return
	}
	if s.throttleN > 0 || available < float64(requested) {
		if s.throttleN > 0 {
			s.throttleN--
		}
		s.stats.Throttled++
		s.reply(w, nil, []gqlError{{Message: "Throttled", Extensions: map[string]any{
			"code": "THROTTLED", "documentation": "https://shopify.dev/api/usage/limits#rate-limits",
		}}}, s.cost(requested, -1))
		return
	}
	s.bucket.take(float64(requested))
	e := &executor{doc: doc, vars: req.Variables}
	data, err := e.selectionSet(s.root(doc.opType), doc.sels)
	if err != nil {
		s.bucket.refund(float64(requested))
		s.reply(w, nil, []gqlError{{Message: err.Error()}}, s.cost(requested, 0))
		return
	}
	s.bucket.refund(float64(e.refund))
	s.reply(w, data, nil, s.cost(requested, requested-e.refund))
}

// denied names the first root field the granted scopes do not cover.
func (s *Server) denied(doc *document) (field, scope string) {
	need := "read_orders"
	if doc.opType == "mutation" {
		need = "write_orders"
	}
	for _, sel := range doc.sels {
		if sel.name == "shop" || sel.name == "__typename" {
			continue
		}
		if !s.scopes[need] {
			return sel.name, need
		}
	}
	return "", ""
}

// cost builds extensions.cost; actual < 0 means null (not run).
func (s *Server) cost(requested, actual int) map[string]any {
	available := math.Floor(s.bucket.available(time.Now()))
	c := Cost{Requested: requested, Actual: max(actual, 0), MaximumAvailable: s.bucket.max,
		CurrentlyAvailable: available, RestoreRate: s.bucket.rate}
	s.stats.LastCost = c
	var act any = actual
	if actual < 0 {
		act = nil
	}
	return map[string]any{"cost": map[string]any{
		"requestedQueryCost": requested, "actualQueryCost": act,
		"throttleStatus": map[string]any{
			"maximumAvailable": s.bucket.max, "currentlyAvailable": available, "restoreRate": s.bucket.rate,
		},
	}}
}

func (s *Server) reply(w http.ResponseWriter, data map[string]any, errs []gqlError, ext map[string]any) {
	out := map[string]any{}
	if data != nil {
		out["data"] = data
	}
	if len(errs) > 0 {
		out["errors"] = errs
	}
	if ext != nil {
		out["extensions"] = ext
	}
	writeJSON(w, http.StatusOK, out)
}
