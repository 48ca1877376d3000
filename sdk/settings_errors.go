package sdk

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// settingsError says what is wrong with the settings in the words of
// lunas.hcl rather than of encoding/json: which setting, and what it should
// be. It never repeats a setting's value (it may be a secret).
func settingsError(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return fmt.Errorf("setting %q: a %s is not allowed here (the plugin expects %s)", te.Field, te.Value, goTypeWords(te.Type.Kind().String()))
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	// encoding/json reports a key DisallowUnknownFields refuses only as text:
	// "json: unknown field \"name\"".
	if name, ok := strings.CutPrefix(msg, "unknown field "); ok {
		return fmt.Errorf("unknown field %s: this plugin has no such setting (check its spelling)", name)
	}
	return errors.New(msg)
}

// goTypeWords names a Go kind as a type in lunas.hcl.
func goTypeWords(kind string) string {
	switch {
	case kind == "string":
		return "a string"
	case kind == "bool":
		return "true or false"
	case strings.HasPrefix(kind, "int"), strings.HasPrefix(kind, "uint"), strings.HasPrefix(kind, "float"):
		return "a number"
	case kind == "slice" || kind == "array":
		return "a list"
	case kind == "map" || kind == "struct":
		return "an object"
	}
	return "another type"
}
