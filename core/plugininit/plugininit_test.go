package plugininit

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lunas-dev/lunas/internal/testutil"
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

var sdkDir = filepath.Join(testutil.RepoRoot(), "sdk")

func TestWriteRefusesBadNameAndOverwrite(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "p")
	if err := Write(dir, "Bad_Name", sdkDir); !errors.Is(err, ErrName) {
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
	err := Write(dir, "shop", sdkDir)
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
	if err := Write(dir, "toko-budi", sdkDir); err != nil {
		t.Fatal(err)
	}
	for file, want := range map[string]string{
		"main.go":       `sdk.Logger("toko-budi")`,
		"store_test.go": `"toko-budi-test"`,
		"README.md":     "go build -o lunas-plugin-toko-budi .",
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

// TestWriteGoMod checks the skeleton is a module of its own that takes
// the SDK from the folder it was given, with the SDK's go directive and
// go.sum. (core/cmd/lunas TestPluginInitOutsideTheRepo builds and tests it.)
func TestWriteGoMod(t *testing.T) {
	dir := t.TempDir()
	if err := Write(dir, "acmeshop", sdkDir); err != nil {
		t.Fatal(err)
	}
	mod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	goVersion, err := sdkGoVersion(sdkDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"module lunas-plugin-acmeshop\n", "\ngo " + goVersion + "\n",
		"require " + SDKModule + " v0.0.0-", "replace " + SDKModule + " => " + sdkDir + "\n"} {
		if !strings.Contains(string(mod), want) {
			t.Errorf("go.mod lacks %q:\n%s", want, mod)
		}
	}
	sum, _ := os.ReadFile(filepath.Join(dir, "go.sum"))
	want, _ := os.ReadFile(filepath.Join(sdkDir, "go.sum"))
	if len(sum) == 0 || string(sum) != string(want) {
		t.Error("go.sum is not the SDK's")
	}
}

func TestWriteRefusesWhatIsNotTheSDK(t *testing.T) {
	notSDK := t.TempDir()
	if err := os.WriteFile(filepath.Join(notSDK, "go.mod"), []byte("module example.com/other\n\ngo 1.24\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "p")
	if err := Write(dir, "shop", notSDK); err == nil || !strings.Contains(err.Error(), "not the Lunas SDK") {
		t.Fatalf("Write with a foreign module as SDK: %v", err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatal("Write refused but created the directory")
	}
	if _, err := FindSDK("", notSDK, filepath.Join(testutil.RepoRoot(), "sdk")); err != nil {
		t.Fatalf("FindSDK skips a foreign module and finds the SDK: %v", err)
	}
	if _, err := FindSDK(notSDK); !errors.Is(err, ErrNoSDK) || !strings.Contains(err.Error(), notSDK) {
		t.Fatalf("FindSDK without the SDK: %v", err)
	}
}
