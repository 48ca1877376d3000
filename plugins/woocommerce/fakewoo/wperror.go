package fakewoo

import (
	"encoding/json"
	"net/http"
	"strings"
)

// wpError is a WordPress REST error: {"code","message","data":{"status"}}.
type wpError struct {
	Status  int
	Code    string
	Message string
	Params  map[string]string // rest_invalid_param details
}

func writeError(w http.ResponseWriter, e *wpError) {
	data := map[string]any{"status": e.Status}
	if len(e.Params) > 0 {
		data["params"] = e.Params
	}
	writeJSON(w, e.Status, map[string]any{"code": e.Code, "message": e.Message, "data": data})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func authError(msg string) *wpError {
	return &wpError{Status: http.StatusUnauthorized, Code: "woocommerce_rest_authentication_error", Message: msg}
}

func invalidParams(params map[string]string) *wpError {
	names := make([]string, 0, len(params))
	for k := range params {
		names = append(names, k)
	}
	return &wpError{Status: http.StatusBadRequest, Code: "rest_invalid_param",
		Message: "Invalid parameter(s): " + strings.Join(names, ", "), Params: params}
}

var errNoRoute = &wpError{Status: http.StatusNotFound, Code: "rest_no_route", Message: "No route was found matching the URL and request method."}
