package plugininit

import (
	"context"
	"errors"
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

func TestValidateName(t *testing.T) {
	for _, ok := range []string{"shop", "my-shop", "woo2", "a", "x-1-y", strings.Repeat("a", 40)} {
		if err := ValidateName(ok); err != nil {
			t.Errorf("ValidateName(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"", "Shop", "my_shop", "-shop", "shop-", "my--shop", "2shop", "my shop", "../etc", "shop.exe", strings.Repeat("a", 41)} {
		if err := ValidateName(bad); !errors.Is(err, ErrName) {
			t.Errorf("ValidateName(%q) = %v, want ErrName", bad, err)
		}
	}
}

func TestWriteRefusesBadNameAndOverwrite(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "p")
	if err := Write(dir, "Bad_Name"); !errors.Is(err, ErrName) {
		t.Fatalf("Write with a bad name: %v", err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("a bad name still created %s", dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "store.go"), []byte("package main // mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := Write(dir, "shop")
	if err == nil || !strings.Contains(err.Error(), "store.go already exists") {
		t.Fatalf("Write over an existing store.go: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "main.go")); !os.IsNotExist(err) {
		t.Fatal("Write refused but still wrote main.go")
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "store.go")); string(b) != "package main // mine\n" {
		t.Fatal("Write changed an existing file")
	}
}

func TestWriteNamesThePlugin(t *testing.T) {
	dir := t.TempDir()
	if err := Write(dir, "toko-budi"); err != nil {
		t.Fatal(err)
	}
	for file, want := range map[string]string{
		"main.go":       `sdk.Logger("toko-budi")`,
		"store_test.go": `"toko-budi-test"`,
		"README.md":     "go build -o bin/lunas-plugin-toko-budi ./plugins/toko-budi",
	} {
		b, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), want) {
			t.Errorf("%s does not contain %q", file, want)
		}
	}
	readme, _ := os.ReadFile(filepath.Join(dir, "README.md"))
	if !strings.Contains(string(readme), `env("TOKO_BUDI_API_KEY")`) {
		t.Error("README.md does not show the env() name for the API key")
	}
}

// TestSkeletonBuildsVetsAndPasses writes a skeleton into its own module
// (outside this one, replacing github.com/lunas-dev/lunas with this
// checkout) and runs go build, go vet and go test there, offline.
func TestSkeletonBuildsVetsAndPasses(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module; skipped with -short")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is not on PATH: %v", err)
	}
	root := testutil.RepoRoot()
	dir := t.TempDir()
	if err := Write(dir, "demo-shop"); err != nil {
		t.Fatal(err)
	}
	goMod := "module example.com/lunas-plugin-demo-shop\n\ngo 1.26\n\n" +
		"require github.com/lunas-dev/lunas v0.0.0\n\n" +
		"replace github.com/lunas-dev/lunas => " + root + "\n"
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(goMod), 0o644); err != nil {
		t.Fatal(err)
	}
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o644); err != nil {
		t.Fatal(err)
	}
	// `go mod tidy` first, as the plugin author's guide says, from GOPROXY
	// (a fresh module cache holds only what building this checkout needed,
	// and the skeleton's module graph wants more go.mod files); then build,
	// vet and test with the network off: the tidy go.mod is complete.
	tidy := exec.Command(goBin, "mod", "tidy")
	tidy.Dir = dir
	tidy.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off", "GOTOOLCHAIN=local")
	if out, err := tidy.CombinedOutput(); err != nil {
		t.Fatalf("go mod tidy in the skeleton: %v\n%s", err, out)
	}
	for _, args := range [][]string{
		{"build", "-o", filepath.Join(dir, "lunas-plugin-demo-shop"), "."},
		{"vet", "./..."},
		{"test", "-count=1", "./..."},
	} {
		cmd := exec.Command(goBin, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=readonly", "GOPROXY=off", "GOWORK=off", "GOTOOLCHAIN=local")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go %s in the skeleton: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	// The binary is a working plugin: the core's launcher starts it,
	// configures it and gets a healthy answer.
	store := storetest.Launch(t, filepath.Join(dir, "lunas-plugin-demo-shop"), "demo-shop",
		map[string]any{"base_url": "https://shop.example.com", "api_key": "an-api-key"})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if resp, err := store.Health(ctx, &sdk.HealthRequest{}); err != nil || resp.Status != "ok" {
		t.Fatalf("Health of the skeleton binary: %+v, %v", resp, err)
	}
}
