package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lunas-dev/lunas/internal/testutil"
	"github.com/lunas-dev/lunas/sdk"
	"github.com/lunas-dev/lunas/sdk/storetest"
)

// TestPluginInitOutsideTheRepo is what an agency does: in an empty folder
// outside any Lunas checkout, `lunas plugin init acmeshop`, then the next
// steps it prints, with GOFLAGS=-mod=mod and only the module proxy to fetch
// from (the Lunas module is not on it). The module depends on the SDK
// alone, and the binary it builds is a plugin the core can start.
func TestPluginInitOutsideTheRepo(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module; skipped with -short")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is not on PATH: %v", err)
	}
	bin := testutil.Binary(t, "lunas")
	work := t.TempDir()
	if rel, err := filepath.Rel(testutil.RepoRoot(), work); err == nil && !strings.HasPrefix(rel, "..") {
		t.Fatalf("the temp folder %s is inside the repository; set TMPDIR elsewhere", work)
	}
	env := append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off", "GOTOOLCHAIN=local")

	init := exec.Command(bin, "plugin", "init", "acmeshop")
	init.Dir, init.Env = work, env
	out, err := init.CombinedOutput()
	if err != nil {
		t.Fatalf("lunas plugin init acmeshop: %v\n%s", err, out)
	}
	t.Logf("lunas plugin init acmeshop\n%s", out)
	_, next, ok := strings.Cut(string(out), "Next:\n")
	if !ok {
		t.Fatalf("plugin init printed no next steps:\n%s", out)
	}
	dir := work
	var steps int
	for _, line := range strings.Split(strings.TrimSpace(next), "\n") {
		args := strings.Fields(line)
		switch {
		case len(args) == 2 && args[0] == "cd":
			dir = filepath.Join(dir, args[1])
		case len(args) > 1 && args[0] == "go":
			cmd := exec.Command(goBin, args[1:]...)
			cmd.Dir, cmd.Env = dir, env
			b, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%s (in %s): %v\n%s", line, dir, err, b)
			}
			t.Logf("%s\n%s", line, b)
			steps++
		default:
			t.Fatalf("a next step the test cannot follow: %q", line)
		}
	}
	if steps < 2 {
		t.Fatalf("plugin init printed %d go commands, want at least test and build:\n%s", steps, out)
	}

	// The module needs nothing of Lunas but the SDK.
	list := exec.Command(goBin, "list", "-m", "all")
	list.Dir, list.Env = dir, env
	mods, err := list.CombinedOutput()
	if err != nil {
		t.Fatalf("go list -m all: %v\n%s", err, mods)
	}
	for _, m := range strings.Split(string(mods), "\n") {
		if f := strings.Fields(m); len(f) > 0 && f[0] == "github.com/lunas-dev/lunas" {
			t.Fatalf("the plugin module depends on the whole Lunas module:\n%s", mods)
		}
	}

	store := storetest.Launch(t, filepath.Join(dir, "lunas-plugin-acmeshop"), "acmeshop",
		map[string]any{"base_url": "https://shop.example.com", "api_key": "an-api-key"})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if resp, err := store.Health(ctx, &sdk.HealthRequest{}); err != nil || resp.Status != "ok" {
		t.Fatalf("Health of the built plugin: %+v, %v", resp, err)
	}
}

// TestPluginInitNeedsAnSDK checks --sdk is checked and named when wrong.
func TestPluginInitNeedsAnSDK(t *testing.T) {
	_, _, err := runCLI(t, "plugin", "init", "acmeshop", "--dir", filepath.Join(t.TempDir(), "p"), "--sdk", t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "--sdk PATH") {
		t.Fatalf("plugin init with an --sdk that holds no SDK: %v", err)
	}
}
