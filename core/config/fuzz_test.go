package config

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse feeds Parse arbitrary text, starting from the testdata files. It
// must never panic; what it accepts must validate and carry a JSON object per
// store; what it refuses must be reported as positioned *Errors.
func FuzzParse(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, src []byte) {
		c, err := Parse(src, "fuzz.hcl")
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v (%T) is not an *Error", err, err)
			}
			if c != nil {
				t.Fatalf("Parse returned a config with an error")
			}
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("a parsed config does not validate: %v", err)
		}
		for _, s := range c.Stores {
			if !jsonObject(s.Settings) {
				t.Fatalf("store %q settings are not a JSON object: %s", s.Name, s.Settings)
			}
		}
	})
}

func addSeeds(f *testing.F) {
	for _, pattern := range []string{"testdata/*.hcl", "testdata/errors/*.hcl"} {
		files, err := filepath.Glob(pattern)
		if err != nil {
			f.Fatal(err)
		}
		for _, file := range files {
			src, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(src)
		}
	}
}
