package config

import (
	"fmt"
	"os"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// Load reads the file at path and parses it (see Parse).
func Load(path string) (*Config, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	return Parse(src, path)
}

// Parse parses src, written in HCL, applies the defaults and validates the
// result. filename is only used in error messages. Every problem found is
// reported, each as an *Error, joined with errors.Join. Problems of syntax or
// type are reported before validation runs, so validation never complains
// about a value the file did not manage to state.
func Parse(src []byte, filename string) (*Config, error) {
	file, diags := hclsyntax.ParseConfig(src, filename, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, joinSorted(diagErrors(diags))
	}
	if errs := hugeNumbers(file.Body); len(errs) > 0 {
		return nil, joinSorted(errs)
	}
	d := newDecoder()
	c := d.config(file.Body, filename)
	if len(d.errs) > 0 {
		return nil, joinSorted(d.errs)
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}
