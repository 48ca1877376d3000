package release

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"github.com/lunas-dev/lunas/core/config"
	"github.com/lunas-dev/lunas/internal/testutil"
)

var (
	envCallRE = regexp.MustCompile(`env\("([A-Za-z_][A-Za-z0-9_]*)"`)
	commentRE = regexp.MustCompile(`(?m)^\s*#.*$`)
	// composeEnvRE is a variable compose.yaml passes in: `NAME: ${NAME:?...}`.
	composeEnvRE = regexp.MustCompile(`(?m)^\s+([A-Z_][A-Z0-9_]*): \$\{([A-Z_][A-Z0-9_]*)[:?}]`)
	// envFileRE is a name deploy/lunas.env.example lists: `#NAME=` or `NAME=`.
	envFileRE = regexp.MustCompile(`(?m)^#?([A-Z_][A-Z0-9_]*)=`)
)

func read(t *testing.T, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testutil.RepoRoot(), rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// envCalls lists the variables src reads with env("NAME"), leaving out
// commented-out lines.
func envCalls(src []byte) []string {
	var names []string
	for _, m := range envCallRE.FindAllSubmatch(commentRE.ReplaceAll(src, nil), -1) {
		if n := string(m[1]); !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	return names
}

// TestComposeConfig parses the configuration compose.yaml mounts and checks
// that compose passes every variable it reads with env(), under its own name.
func TestComposeConfig(t *testing.T) {
	src := read(t, "deploy/compose/lunas.hcl")
	names := envCalls(src)
	for _, n := range names {
		t.Setenv(n, "compose-test-"+n)
	}
	cfg, err := config.Parse(src, "deploy/compose/lunas.hcl")
	if err != nil {
		t.Fatalf("deploy/compose/lunas.hcl does not parse:\n%v", err)
	}
	if !cfg.Redis.RequirePersistence {
		t.Errorf("deploy/compose/lunas.hcl: require_persistence is off; compose's Redis persists, and Lunas should insist")
	}
	passed := map[string]bool{}
	for _, m := range composeEnvRE.FindAllSubmatch(read(t, "compose.yaml"), -1) {
		if string(m[1]) != string(m[2]) {
			t.Errorf("compose.yaml passes %s as %s", m[2], m[1])
		}
		passed[string(m[1])] = true
	}
	for _, n := range names {
		if !passed[n] {
			t.Errorf("deploy/compose/lunas.hcl reads env(%q), which compose.yaml does not pass to the container", n)
		}
	}
}

// TestEnvFileNamesTheSecrets checks that deploy/lunas.env.example, which
// make install copies to SYSCONFDIR/lunas/lunas.env, names every variable the
// installed examples/lunas.hcl and the compose configuration read.
func TestEnvFileNamesTheSecrets(t *testing.T) {
	listed := map[string]bool{}
	for _, m := range envFileRE.FindAllSubmatch(read(t, "deploy/lunas.env.example"), -1) {
		listed[string(m[1])] = true
	}
	for _, file := range []string{"examples/lunas.hcl", "deploy/compose/lunas.hcl"} {
		for _, n := range envCalls(read(t, file)) {
			if !listed[n] {
				t.Errorf("%s reads env(%q), which deploy/lunas.env.example does not list", file, n)
			}
		}
	}
}
