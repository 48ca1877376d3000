package release

import (
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/lunas-dev/lunas/internal/testutil"
)

// There is no Docker engine in CI, so these tests check what can be checked
// without one: the build context keeps every file the build needs, and the
// image is laid out as lunas expects.

// dockerignored reports whether the build context leaves out rel (a
// slash-separated path in the repository) under the patterns of
// .dockerignore: a pattern matches the path or one of its parent
// directories; "**" matches any number of directories. (The patterns this
// repository uses have no "!" exceptions.)
func dockerignored(patterns []string, rel string) bool {
	parts := strings.Split(rel, "/")
	for _, p := range patterns {
		for i := 1; i <= len(parts); i++ {
			if globMatch(strings.Split(p, "/"), parts[:i]) {
				return true
			}
		}
	}
	return false
}

func globMatch(pat, parts []string) bool {
	if len(pat) == 0 {
		return len(parts) == 0
	}
	if pat[0] == "**" {
		for i := 0; i <= len(parts); i++ {
			if globMatch(pat[1:], parts[i:]) {
				return true
			}
		}
		return false
	}
	if len(parts) == 0 {
		return false
	}
	ok, err := path.Match(pat[0], parts[0])
	return err == nil && ok && globMatch(pat[1:], parts[1:])
}

func dockerignorePatterns(t *testing.T) []string {
	t.Helper()
	var patterns []string
	for _, line := range strings.Split(string(read(t, ".dockerignore")), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(line, "!") {
			t.Fatalf(".dockerignore: exceptions (%s) are not understood by this test; extend dockerignored", line)
		}
		patterns = append(patterns, strings.Trim(path.Clean(line), "/"))
	}
	return patterns
}

func TestDockerignoreMatching(t *testing.T) {
	patterns := []string{".git", "bin", "**/*.test", "**/testdata/fuzz", "docs"}
	for rel, want := range map[string]bool{
		".git/config": true, "bin/lunas": true, "core/core.test": true, "core.test": true,
		"core/testdata/fuzz/FuzzX/1": true, "docs/config.md": true,
		"core/match.go": false, "core/testdata/x.json": false, "plugins/sql/main.go": false, "sdk/docs.go": false,
	} {
		if got := dockerignored(patterns, rel); got != want {
			t.Errorf("dockerignored(%q) = %v, want %v", rel, got, want)
		}
	}
}

// TestDockerContextHasTheSources checks that .dockerignore leaves in every
// file the image's build compiles or embeds, and the build script.
func TestDockerContextHasTheSources(t *testing.T) {
	patterns := dockerignorePatterns(t)
	root := testutil.RepoRoot()
	cmd := exec.Command("go", "list", "-deps", "-f",
		`{{if not .Standard}}{{.Dir}}{{range .GoFiles}} {{.}}{{end}}{{range .EmbedFiles}} {{.}}{{end}}{{end}}`+
			`{{if .Module}}{{"\n"}}{{.Module.GoMod}}{{end}}`,
		"./core/cmd/lunas", "./plugins/...")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	needed := []string{"go.mod", "go.sum", "scripts/build-release.sh"}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		dir, err := filepath.Rel(root, fields[0])
		if err != nil || strings.HasPrefix(dir, "..") {
			continue // a module dependency, downloaded by the build
		}
		if len(fields) == 1 && filepath.Base(dir) == "go.mod" {
			// A module in this repository: its go.mod and go.sum.
			needed = append(needed, filepath.ToSlash(dir))
			if _, err := os.Stat(filepath.Join(root, filepath.Dir(dir), "go.sum")); err == nil {
				needed = append(needed, filepath.ToSlash(filepath.Join(filepath.Dir(dir), "go.sum")))
			}
			continue
		}
		for _, f := range fields[1:] {
			needed = append(needed, filepath.ToSlash(filepath.Join(dir, f)))
		}
	}
	if len(needed) < 20 {
		t.Fatalf("go list named only %d files: %v", len(needed), needed)
	}
	slices.Sort(needed)
	for _, rel := range slices.Compact(needed) {
		if dockerignored(patterns, rel) {
			t.Errorf(".dockerignore leaves out %s, which the image's build needs", rel)
		}
	}
}

// TestDockerfileLayout checks the image against what lunas and this
// repository expect: the build runs scripts/build-release.sh with the
// stamped values, lunas sits in bin/ with its plugins in ../lib/lunas (see
// pluginhost.DefaultDirs), and it runs as a numeric non-root user with a
// health check.
func TestDockerfileLayout(t *testing.T) {
	df := string(read(t, "Dockerfile"))
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^RUN .*VERSION=\$VERSION COMMIT=\$COMMIT DATE=\$DATE[^\n]*\\\n\s+scripts/build-release\.sh /out$`),
		regexp.MustCompile(`(?m)^COPY --from=build /out/lunas /usr/local/bin/lunas$`),
		regexp.MustCompile(`(?m)^COPY --from=build /out/lunas-plugin-\* /usr/local/lib/lunas/$`),
		regexp.MustCompile(`(?m)^USER [1-9][0-9]*:[1-9][0-9]*$`),
		regexp.MustCompile(`(?m)^HEALTHCHECK .*\\\n\s+CMD .*http://127\.0\.0\.1:8080/healthz`),
		regexp.MustCompile(`(?m)^ENTRYPOINT \["/usr/local/bin/lunas"\]$`),
	} {
		if !want.MatchString(df) {
			t.Errorf("Dockerfile has nothing matching %s", want)
		}
	}
	if n := strings.Count(df, "\nFROM "); n != 2 {
		t.Errorf("Dockerfile has %d stages, want 2 (build and the image)", n)
	}
}
