// Package plugininit writes the skeleton of a new Lunas store plugin: a
// main package that builds as it is, implements sdk.Store over an in-memory
// order book, validates its settings and passes the conformance suite.
// `lunas plugin init NAME` is its command-line face.
package plugininit

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"go/format"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"text/template"
)

//go:embed templates/*.tmpl
var templates embed.FS

// files maps each template to the file it becomes.
var files = []struct{ template, name string }{
	{"main.go.tmpl", "main.go"},
	{"store.go.tmpl", "store.go"},
	{"store_test.go.tmpl", "store_test.go"},
	{"README.md.tmpl", "README.md"},
	{"go.mod.tmpl", "go.mod"},
}

// ErrName is returned (wrapped) by Write for a name that cannot be a plugin name.
var ErrName = errors.New("invalid plugin name")

// nameRE is what a plugin name may be: it becomes part of a file name
// (lunas-plugin-NAME) and the value of plugin = "NAME" in lunas.hcl.
var nameRE = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)

const maxNameLen = 40

// data is what the templates see.
type data struct {
	Name      string // "my-shop"
	Binary    string // "lunas-plugin-my-shop"
	EnvPrefix string // "MY_SHOP", for env() examples
	SDKModule string // SDKModule
	SDKDir    string // absolute path of the SDK the go.mod replaces SDKModule with
	GoVersion string // the SDK's go directive
}

// ValidateName reports whether name can name a plugin: lowercase letters,
// digits and single dashes, starting with a letter, at most 40 characters.
func ValidateName(name string) error {
	if len(name) > maxNameLen || !nameRE.MatchString(name) {
		return fmt.Errorf("%w %q: use lowercase letters, digits and single dashes, starting with a letter (at most %d characters), e.g. \"my-shop\"",
			ErrName, name, maxNameLen)
	}
	return nil
}

// Write writes the skeleton of plugin name into dir, creating dir if
// needed: a module of its own whose go.mod takes the SDK from sdkDir (a
// replace directive, as the SDK is not on the module proxy), with the SDK's
// go.sum as a start. It refuses to overwrite: if any of the files already
// exists, nothing is written and the error names it.
func Write(dir, name, sdkDir string) error {
	if err := ValidateName(name); err != nil {
		return err
	}
	sdkDir, err := filepath.Abs(sdkDir)
	if err != nil {
		return fmt.Errorf("plugin init: %w", err)
	}
	if err := CheckSDK(sdkDir); err != nil {
		return fmt.Errorf("plugin init: %w", err)
	}
	goVersion, err := sdkGoVersion(sdkDir)
	if err != nil {
		return fmt.Errorf("plugin init: %w", err)
	}
	sum, err := os.ReadFile(filepath.Join(sdkDir, "go.sum"))
	if err != nil {
		return fmt.Errorf("plugin init: the SDK's go.sum: %w", err)
	}
	d := data{Name: name, Binary: "lunas-plugin-" + name, EnvPrefix: strings.ToUpper(strings.ReplaceAll(name, "-", "_")),
		SDKModule: SDKModule, SDKDir: sdkDir, GoVersion: goVersion}
	rendered := make(map[string][]byte, len(files)+1)
	rendered["go.sum"] = sum
	for _, f := range files {
		out, err := render(f.template, f.name, d)
		if err != nil {
			return err
		}
		rendered[f.name] = out
	}
	names := make([]string, 0, len(rendered))
	for name := range rendered {
		names = append(names, name)
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			return fmt.Errorf("plugin init: %s already exists; choose an empty directory", filepath.Join(dir, name))
		} else if !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("plugin init: %w", err)
		}
	}
	sort.Strings(names)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("plugin init: %w", err)
	}
	for _, name := range names {
		if err := writeNew(filepath.Join(dir, name), rendered[name]); err != nil {
			return err
		}
	}
	return nil
}

// render executes one template; Go files are also gofmt-ed, which doubles
// as a syntax check of the template.
func render(tmplName, fileName string, d data) ([]byte, error) {
	t, err := template.ParseFS(templates, "templates/"+tmplName)
	if err != nil {
		return nil, fmt.Errorf("plugin init: template %s: %w", tmplName, err)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, d); err != nil {
		return nil, fmt.Errorf("plugin init: template %s: %w", tmplName, err)
	}
	if !strings.HasSuffix(fileName, ".go") {
		return buf.Bytes(), nil
	}
	src, err := format.Source(buf.Bytes())
	if err != nil {
		return nil, fmt.Errorf("plugin init: %s is not valid Go: %w", fileName, err)
	}
	return src, nil
}

// writeNew creates path with content, failing if it exists.
func writeNew(path string, content []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("plugin init: %w", err)
	}
	if _, err := f.Write(content); err != nil {
		f.Close()
		return fmt.Errorf("plugin init: write %s: %w", path, err)
	}
	return f.Close()
}
