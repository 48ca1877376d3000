package config

import (
	"fmt"
	"os"
	"strconv"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// envError is a failed env() call. It names the variable, never a value.
type envError struct {
	name   string
	reason string
}

func (e *envError) Error() string { return fmt.Sprintf("env(%s) %s", strconv.Quote(e.name), e.reason) }

// envFunc is env("NAME") or env("NAME", "default"): the value of an
// environment variable. An unset or empty variable without a default is an
// error, so that a missing secret stops Lunas at start instead of turning
// into an empty one.
var envFunc = function.New(&function.Spec{
	Description: `Returns the value of an environment variable, or the second argument if it is unset or empty.`,
	Params:      []function.Parameter{{Name: "name", Type: cty.String}},
	VarParam:    &function.Parameter{Name: "default", Type: cty.String},
	Type:        function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		name := args[0].AsString()
		if len(args) > 2 {
			return cty.NilVal, &envError{name: name, reason: "takes a variable name and at most one default"}
		}
		if name == "" {
			return cty.NilVal, &envError{name: name, reason: "needs a variable name"}
		}
		v, set := os.LookupEnv(name)
		switch {
		case v != "":
			return cty.StringVal(v), nil
		case len(args) == 2:
			return args[1], nil
		case set:
			return cty.NilVal, &envError{name: name, reason: "is empty"}
		default:
			return cty.NilVal, &envError{name: name, reason: "is not set"}
		}
	},
})
