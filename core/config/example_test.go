package config

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// TestExampleConfig parses the annotated examples/lunas.hcl that users copy,
// with every variable it reads through env() set to a placeholder.
func TestExampleConfig(t *testing.T) {
	_, here, _, _ := runtime.Caller(0)
	path := filepath.Join(filepath.Dir(here), "..", "..", "examples", "lunas.hcl")
	src, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		t.Skipf("%s does not exist yet", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range envNames(t, src, path) {
		t.Setenv(name, "example-"+name)
	}
	if _, err := Parse(src, path); err != nil {
		t.Fatalf("the example configuration does not parse:\n%v", err)
	}
}

// envNames lists the variables src reads with env("NAME").
func envNames(t *testing.T, src []byte, filename string) []string {
	t.Helper()
	file, diags := hclsyntax.ParseConfig(src, filename, hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	var names []string
	_ = hclsyntax.VisitAll(file.Body.(*hclsyntax.Body), func(n hclsyntax.Node) hcl.Diagnostics {
		call, ok := n.(*hclsyntax.FunctionCallExpr)
		if !ok || call.Name != "env" || len(call.Args) == 0 {
			return nil
		}
		if v, diags := call.Args[0].Value(nil); !diags.HasErrors() && v.IsKnown() && !v.IsNull() {
			names = append(names, v.AsString())
		}
		return nil
	})
	return names
}
