package release

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/lunas-dev/lunas/internal/testutil"
)

// TestMakeInstall installs the release build into a temporary PREFIX, then
// runs the installed lunas check, which must find its plugins in
// PREFIX/lib/lunas. Where systemd-analyze exists (CI installs it) the
// installed unit must verify clean with an exposure of at most 4.0.
func TestMakeInstall(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make is not installed")
	}
	bin := buildRelease(t)
	prefix := filepath.Join(t.TempDir(), "prefix")
	install := func() string {
		t.Helper()
		// -o build: install what buildRelease built instead of building again.
		cmd := exec.Command("make", "--no-print-directory", "-o", "build", "install", "PREFIX="+prefix, "BIN="+bin)
		cmd.Dir = testutil.RepoRoot()
		// Under `make test` the outer make's flags (and jobserver) are in the
		// environment; this make is not its child.
		for _, kv := range os.Environ() {
			if k, _, _ := strings.Cut(kv, "="); k != "MAKEFLAGS" && k != "MFLAGS" && k != "MAKELEVEL" {
				cmd.Env = append(cmd.Env, kv)
			}
		}
		b, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("make install: %v\n%s", err, b)
		}
		return string(b)
	}
	install()

	lunas := filepath.Join(prefix, "bin", "lunas")
	for _, p := range plugins(t) {
		if _, err := os.Stat(filepath.Join(prefix, "lib", "lunas", "lunas-plugin-"+p)); err != nil {
			t.Errorf("plugin %s not installed: %v", p, err)
		}
		if _, err := os.Stat(filepath.Join(prefix, "bin", "lunas-plugin-"+p)); err == nil {
			t.Errorf("plugin %s installed into bin/, on the PATH", p)
		}
	}
	unit, err := os.ReadFile(filepath.Join(prefix, "lib", "systemd", "system", "lunas.service"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"ExecStart=" + lunas + " serve --config " + prefix + "/etc/lunas/lunas.hcl",
		"EnvironmentFile=" + prefix + "/etc/lunas/lunas.env",
		"ExecPaths=" + lunas + " " + prefix + "/lib/lunas /usr/bin/kill\n",
	} {
		if !strings.Contains(string(unit), want) {
			t.Errorf("installed unit lacks %q:\n%s", want, unit)
		}
	}
	if st, err := os.Stat(filepath.Join(prefix, "etc", "lunas", "lunas.env")); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("lunas.env: %v, want mode 0600", err)
	}
	example, _ := os.ReadFile(filepath.Join(testutil.RepoRoot(), "examples", "lunas.hcl"))
	config := filepath.Join(prefix, "etc", "lunas", "lunas.hcl")
	if got, err := os.ReadFile(config); err != nil || !bytes.Equal(got, example) {
		t.Errorf("installed lunas.hcl is not examples/lunas.hcl (%v)", err)
	}

	// An operator's configuration survives a second install.
	r := testutil.NewRedis(t)
	// lunas check reaches Redis as serve would: the test's, not a default one.
	mine := []byte(`webhook "moota" { secrets = [env("MOOTA_SECRET")] }
redis {
  addr = "` + r.Addr + `"
  db   = ` + strconv.Itoa(r.DB) + `
}
store "demo" {
  plugin   = "demo"
  bank_ids = ["*"]
  settings = { redis_addr = "` + r.Addr + `", redis_db = ` + strconv.Itoa(r.DB) + ` }
}
`)
	if err := os.WriteFile(config, mine, 0o644); err != nil {
		t.Fatal(err)
	}
	if out := install(); !strings.Contains(out, "lunas.hcl exists: left as it is") {
		t.Errorf("second make install said:\n%s", out)
	}
	if got, _ := os.ReadFile(config); !bytes.Equal(got, mine) {
		t.Fatalf("make install overwrote the operator's lunas.hcl")
	}

	cmd := exec.Command(lunas, "check", "--config", config)
	cmd.Env = append(os.Environ(), "MOOTA_SECRET=install-test-secret")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "configuration is valid") || !strings.Contains(string(out), " ok ") {
		t.Fatalf("installed lunas check: %v\n%s", err, out)
	}

	checkUnit(t, filepath.Join(prefix, "lib", "systemd", "system", "lunas.service"))
}

// checkUnit runs scripts/check-systemd.sh on the installed unit. Without
// systemd-analyze the check is skipped, unless CI is set.
func checkUnit(t *testing.T, unit string) {
	if _, err := exec.LookPath("systemd-analyze"); err != nil {
		if ci := os.Getenv("CI"); ci != "" && ci != "false" && ci != "0" {
			t.Fatalf("systemd-analyze is not installed and CI is set (apt-get install -y systemd)")
		}
		t.Logf("systemd-analyze is not installed: the unit's hardening is not checked")
		return
	}
	out, err := exec.Command(filepath.Join(testutil.RepoRoot(), "scripts", "check-systemd.sh"), unit).CombinedOutput()
	if err != nil {
		t.Fatalf("scripts/check-systemd.sh: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}
