package release

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/lunas-dev/lunas/internal/testutil"
)

// Stamped into the test build, so the test can tell its binaries apart
// from any other build.
const (
	testVersion = "0.0.0-releasetest"
	testCommit  = "0123456789abcdef0123456789abcdef01234567"
	testDate    = "2026-01-02T03:04:05Z"
)

// plugins lists the bundled plugins, as the build script finds them.
func plugins(t *testing.T) []string {
	t.Helper()
	mains, err := filepath.Glob(filepath.Join(testutil.RepoRoot(), "plugins", "*", "main.go"))
	if err != nil || len(mains) == 0 {
		t.Fatalf("no plugins/*/main.go found (%v)", err)
	}
	var names []string
	for _, m := range mains {
		names = append(names, filepath.Base(filepath.Dir(m)))
	}
	return names
}

var (
	buildOnce sync.Once
	buildDir  string // holds out/, the binaries, and the wrapper's log
	buildLog  string // one line per go command the script ran
	buildErr  error
)

// TestMain removes what buildRelease built.
func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// buildRelease runs scripts/build-release.sh once for all the tests and
// returns the directory it built into.
func buildRelease(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		if buildDir, buildErr = os.MkdirTemp("", "lunas-release-"); buildErr != nil {
			return
		}
		// The go command is wrapped to record how the script calls it: Go
		// keeps no -ldflags in a -trimpath binary's build information.
		goBin, err := exec.LookPath("go")
		if err != nil {
			buildErr = err
			return
		}
		buildLog = filepath.Join(buildDir, "go-calls.log")
		wrapper := filepath.Join(buildDir, "go-wrapper")
		script := "#!/bin/sh\nprintf '%s\\n' \"$*\" >>'" + buildLog + "'\nexec '" + goBin + "' \"$@\"\n"
		if buildErr = os.WriteFile(wrapper, []byte(script), 0o755); buildErr != nil {
			return
		}
		out := filepath.Join(buildDir, "out")
		cmd := exec.Command(filepath.Join(testutil.RepoRoot(), "scripts", "build-release.sh"), out)
		cmd.Env = append(os.Environ(), "GO="+wrapper, "VERSION="+testVersion, "COMMIT="+testCommit, "DATE="+testDate)
		if b, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("scripts/build-release.sh: %v\n%s", err, b)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return filepath.Join(buildDir, "out")
}

// TestBuildRelease builds every binary as the container image does, checks
// how each was built (go version -m reads the build settings Go records)
// and runs it.
func TestBuildRelease(t *testing.T) {
	out := buildRelease(t)
	names := []string{"lunas"}
	for _, p := range plugins(t) {
		names = append(names, "lunas-plugin-"+p)
	}
	entries, _ := os.ReadDir(out)
	if len(entries) != len(names) {
		t.Errorf("%s holds %d files, want %d: %v", out, len(entries), len(names), names)
	}
	for _, name := range names {
		bin := filepath.Join(out, name)
		st, err := os.Stat(bin)
		if err != nil || st.Mode()&0o111 == 0 {
			t.Errorf("%s: not an executable (%v)", name, err)
			continue
		}
		info, err := exec.Command("go", "version", "-m", bin).CombinedOutput()
		if err != nil {
			t.Errorf("go version -m %s: %v\n%s", name, err, info)
			continue
		}
		for _, want := range []string{"-trimpath=true", "CGO_ENABLED=0"} {
			if !strings.Contains(string(info), want) {
				t.Errorf("%s was not built with %s:\n%s", name, want, info)
			}
		}
	}

	// Every binary was linked with the version, commit and date stamped.
	calls, err := os.ReadFile(buildLog)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		found := false
		for _, call := range strings.Split(string(calls), "\n") {
			if !strings.Contains(call, " -o "+filepath.Join(out, name)+" ") {
				continue
			}
			found = true
			for _, want := range []string{"-trimpath", "-s -w", "-X main.Version=" + testVersion, "-X main.Commit=" + testCommit, "-X main.Date=" + testDate} {
				if !strings.Contains(call, want) {
					t.Errorf("%s was built without %s: go %s", name, want, call)
				}
			}
		}
		if !found {
			t.Errorf("no go build of %s in the script's calls:\n%s", name, calls)
		}
	}

	var stdout bytes.Buffer
	cmd := exec.Command(filepath.Join(out, "lunas"), "version")
	cmd.Stdout = &stdout
	if err := cmd.Run(); err != nil || !strings.Contains(stdout.String(), testVersion) {
		t.Errorf("lunas version = %q, %v; want it to name %s", stdout.String(), err, testVersion)
	}
	// Run by hand, a plugin explains that lunas starts it (sdk.Serve).
	for _, p := range plugins(t) {
		b, err := exec.Command(filepath.Join(out, "lunas-plugin-"+p)).CombinedOutput()
		if err == nil || !strings.Contains(string(b), "Lunas store plugin") {
			t.Errorf("lunas-plugin-%s run by hand: %v\n%s", p, err, b)
		}
	}
}
