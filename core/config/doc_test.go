package config

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// docSchemas maps each block path of lunas.hcl ("" for the top level,
// "redis.sentinel" for the sentinel block inside redis) to its schema. The
// test walks the schemas from rootSchema, so a block added to any schema
// without an entry here fails it.
var docSchemas = map[string]*hcl.BodySchema{
	"":               rootSchema,
	"tls":            tlsSchema,
	"admin":          adminSchema,
	"admin.tls":      tlsSchema,
	"redis":          redisSchema,
	"redis.sentinel": sentinelSchema,
	"worker":         workerSchema,
	"webhook":        webhookSchema,
	"store":          storeSchema,
	"store.match":    matchSchema,
	"moota":          mootaSchema,
	"review":         reviewSchema,
	"reversal":       reversalSchema,
}

// schemaBlock is one block of the schema tree: its path, labels and schema.
type schemaBlock struct {
	path   string
	labels []string
	schema *hcl.BodySchema
}

// schemaTree lists every block reachable from rootSchema, the top level first.
func schemaTree(t *testing.T) []schemaBlock {
	t.Helper()
	blocks := []schemaBlock{{path: "", schema: rootSchema}}
	for i := 0; i < len(blocks); i++ {
		for _, h := range blocks[i].schema.Blocks {
			path := h.Type
			if blocks[i].path != "" {
				path = blocks[i].path + "." + h.Type
			}
			s, ok := docSchemas[path]
			if !ok {
				t.Fatalf("block %q has no entry in docSchemas (core/config/doc_test.go): add its schema there and document it in docs/config.md", path)
			}
			blocks = append(blocks, schemaBlock{path: path, labels: h.LabelNames, schema: s})
		}
	}
	return blocks
}

// docRow is one attribute's row in docs/config.md.
type docRow struct {
	line                          int
	name, typ, def, example, desc string
}

// docSection is one block's section in docs/config.md.
type docSection struct {
	line   int
	labels int // how many labels the title shows: `store "NAME"` has one
	rows   map[string]docRow
}

var (
	// A section title names the block in a code span: ## `store "NAME"`.
	docTitleRE = regexp.MustCompile("^#{2,3} `([a-z0-9_.]+)((?: \"[A-Z]+\")*)`$")
	// A row of an attribute table starts with the name in a code span.
	docRowRE = regexp.MustCompile("^\\| `([a-z0-9_]+)` \\|")
)

// readConfigDoc parses docs/config.md into sections by block path.
func readConfigDoc(t *testing.T) (map[string]*docSection, string) {
	t.Helper()
	_, here, _, _ := runtime.Caller(0)
	path := filepath.Join(filepath.Dir(here), "..", "..", "docs", "config.md")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sections := map[string]*docSection{}
	var cur *docSection
	header := ""
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case line == "## Top level":
			cur = &docSection{line: n, rows: map[string]docRow{}}
			sections[""] = cur
		case strings.HasPrefix(line, "## ") || strings.HasPrefix(line, "### "):
			m := docTitleRE.FindStringSubmatch(line)
			if m == nil {
				cur = nil
				continue
			}
			if _, dup := sections[m[1]]; dup {
				t.Errorf("%s:%d: a second section for %q", path, n, m[1])
			}
			cur = &docSection{line: n, labels: strings.Count(m[2], `"`) / 2, rows: map[string]docRow{}}
			sections[m[1]] = cur
		case strings.HasPrefix(line, "|"):
			if strings.HasPrefix(line, "| attribute |") || strings.HasPrefix(line, "| block |") {
				header = line
				continue
			}
			m := docRowRE.FindStringSubmatch(line)
			if m == nil || cur == nil || !strings.HasPrefix(header, "| attribute |") {
				continue
			}
			cells := splitRow(line)
			if len(cells) != 5 {
				t.Errorf("%s:%d: the row of %q has %d cells, want 5 (attribute, type, default, example, description)", path, n, m[1], len(cells))
				continue
			}
			if _, dup := cur.rows[m[1]]; dup {
				t.Errorf("%s:%d: %q is documented twice in its section", path, n, m[1])
			}
			cur.rows[m[1]] = docRow{line: n, name: m[1], typ: cells[1], def: cells[2], example: cells[3], desc: cells[4]}
		default:
			header = ""
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return sections, path
}

// splitRow splits a Markdown table row into its cells. A '|' inside a code
// span belongs to the cell.
func splitRow(line string) []string {
	line = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(line), "|"), "|")
	var cells []string
	var b strings.Builder
	code := false
	for _, r := range line {
		switch {
		case r == '`':
			code = !code
		case r == '|' && !code:
			cells = append(cells, strings.TrimSpace(b.String()))
			b.Reset()
			continue
		}
		b.WriteRune(r)
	}
	return append(cells, strings.TrimSpace(b.String()))
}

// docTypes are the words the type column may use, with the HCL type the
// decoder asks for, as its type error names it (typeName). "any" is the
// settings object, which takes any value.
var docTypes = map[string]string{
	"string":                       "a string",
	"host:port":                    "a string",
	"URL":                          "a string",
	"duration":                     "a string",
	"integer":                      "a number",
	"bool":                         "true or false",
	"list of strings":              "a list of strings",
	"list of host:port":            "a list of strings",
	"list of durations":            "a list of strings",
	"list of IPs or CIDR prefixes": "a list of strings",
	"list of regular expressions":  "a list of strings",
	"object":                       "any",
}

// TestConfigDocMatchesSchema checks docs/config.md against the parser:
// every block has a section with its labels, every attribute of the schema
// has exactly one row and every row an attribute; each row has a type, a
// default, a description and an example; the type is the one the decoder
// asks for, and the example decodes without error inside its block.
func TestConfigDocMatchesSchema(t *testing.T) {
	sections, path := readConfigDoc(t)
	tree := schemaTree(t)
	seen := map[string]bool{}
	for _, b := range tree {
		seen[b.path] = true
		title := b.path
		if title == "" {
			title = "the top level"
		}
		sec, ok := sections[b.path]
		if !ok {
			t.Errorf("%s: no section for block %s (a title like ## `%s`)", path, title, b.path)
			continue
		}
		if sec.labels != len(b.labels) {
			t.Errorf("%s:%d: the title of %s shows %d label(s), the block has %d", path, sec.line, title, sec.labels, len(b.labels))
		}
		var want []string
		for _, a := range b.schema.Attributes {
			want = append(want, a.Name)
			row, ok := sec.rows[a.Name]
			if !ok {
				t.Errorf("%s: %s attribute %q is not documented in its section (line %d)", path, title, a.Name, sec.line)
				continue
			}
			checkDocRow(t, path, b, row)
		}
		for name, row := range sec.rows {
			if !slices.Contains(want, name) {
				t.Errorf("%s:%d: %q is documented but %s has no such attribute", path, row.line, name, title)
			}
		}
	}
	var extra []string
	for p := range sections {
		if !seen[p] {
			extra = append(extra, p)
		}
	}
	sort.Strings(extra)
	for _, p := range extra {
		t.Errorf("%s:%d: section %q documents a block the schema does not have", path, sections[p].line, p)
	}
}

func checkDocRow(t *testing.T, path string, b schemaBlock, row docRow) {
	t.Helper()
	at := fmt.Sprintf("%s:%d: %s", path, row.line, qualified(b.path, row.name))
	for _, c := range []struct{ what, v string }{{"type", row.typ}, {"default", row.def}, {"example", row.example}, {"description", row.desc}} {
		if c.v == "" {
			t.Errorf("%s: the %s cell is empty", at, c.what)
		}
	}
	wantType, ok := docTypes[row.typ]
	if !ok {
		t.Errorf("%s: type %q is not one of the documented type words (docTypes in core/config/doc_test.go)", at, row.typ)
	} else if got := decodedType(t, b, row.name); got != wantType {
		t.Errorf("%s: documented as %s, but the decoder asks for %s", at, row.typ, got)
	}
	ex := strings.Trim(row.example, "`")
	if !strings.HasPrefix(ex, row.name+" = ") {
		t.Errorf("%s: the example %q does not set %s", at, row.example, row.name)
		return
	}
	if errs := decodeIn(t, b, ex); len(errs) > 0 {
		t.Errorf("%s: the example %s does not decode: %v", at, ex, errs)
	}
}

func qualified(block, attr string) string {
	if block == "" {
		return attr
	}
	return block + "." + attr
}

// decodedType reports the type the decoder asks for attribute name of
// block b: it writes an empty object there, which converts to none of the
// types but the settings object's, and reads the type off the error.
func decodedType(t *testing.T, b schemaBlock, name string) string {
	t.Helper()
	errs := decodeIn(t, b, name+" = {}")
	if len(errs) == 0 {
		return "any"
	}
	re := regexp.MustCompile(`: (a string|a number|true or false|a list of strings) (?:like \[[^]]*\] )?is required`)
	for _, err := range errs {
		if m := re.FindStringSubmatch(err.Error()); m != nil {
			return m[1]
		}
	}
	return fmt.Sprintf("nothing known (%v)", errs)
}

// decodeIn decodes attr (one `name = value` line) written inside block b,
// nested in its parent blocks, and returns the decoder's errors. Variables
// read with env() are set for the test.
func decodeIn(t *testing.T, b schemaBlock, attr string) []error {
	t.Helper()
	src := attr + "\n"
	parts := strings.Split(b.path, ".")
	for i := len(parts) - 1; i >= 0 && b.path != ""; i-- {
		header := parts[i]
		if i == len(parts)-1 {
			for range b.labels {
				header += ` "doc"`
			}
		} else if s := blockHeader(parts[:i+1]); s != nil {
			for range s.LabelNames {
				header += ` "doc"`
			}
		}
		src = header + " {\n" + src + "}\n"
	}
	for _, name := range envNames(t, []byte(src), "doc.hcl") {
		t.Setenv(name, "doc-"+name)
	}
	file, diags := hclsyntax.ParseConfig([]byte(src), "doc.hcl", hcl.InitialPos)
	if diags.HasErrors() {
		return diagErrors(diags)
	}
	d := newDecoder()
	d.config(file.Body, "doc.hcl")
	return d.errs
}

// blockHeader returns the header schema of the block at path (split on ".").
func blockHeader(path []string) *hcl.BlockHeaderSchema {
	parent := docSchemas[strings.Join(path[:len(path)-1], ".")]
	for i, h := range parent.Blocks {
		if h.Type == path[len(path)-1] {
			return &parent.Blocks[i]
		}
	}
	return nil
}
