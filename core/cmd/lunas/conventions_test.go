package main

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lunas-dev/lunas/core"
	"github.com/lunas-dev/lunas/internal/testutil"
)

// everyCommand lists the words of every command and group, "" for lunas.
func everyCommand() [][]string {
	var out [][]string
	var walk func(c *command, words []string)
	walk = func(c *command, words []string) {
		out = append(out, words)
		for _, s := range c.subs {
			walk(s, append(append([]string(nil), words...), s.name))
		}
	}
	walk(rootCommand(), nil)
	return out
}

// TestEveryCommandHasHelp: --help and -h print the help to stdout and
// succeed, with a description and a usage line; `lunas help CMD` prints
// the same; each default is said once, and durations as people write them.
func TestEveryCommandHasHelp(t *testing.T) {
	twoDefaults := regexp.MustCompile(`\(default[^)]*\).*\(default`)
	goDuration := regexp.MustCompile(`\d+h0m0s|\d+m0s`)
	for _, words := range everyCommand() {
		name := strings.Join(append([]string{"lunas"}, words...), " ")
		t.Run(name, func(t *testing.T) {
			out, errOut, err := runCLI(t, append(words, "--help")...)
			if err != nil || errOut != "" {
				t.Fatalf("%s --help: err %v, stderr %q", name, err, errOut)
			}
			if !strings.HasPrefix(out, name+": ") || !strings.Contains(out, "Usage:\n  "+name) {
				t.Errorf("%s --help lacks the description or usage:\n%s", name, out)
			}
			for _, line := range strings.Split(out, "\n") {
				if twoDefaults.MatchString(line) || goDuration.MatchString(line) {
					t.Errorf("%s --help: %q", name, line)
				}
			}
			short, _, err := runCLI(t, append(words, "-h")...)
			if err != nil || short != out {
				t.Errorf("%s -h differs from --help (err %v)", name, err)
			}
			viaHelp, _, err := runCLI(t, append([]string{"help"}, words...)...)
			if err != nil || viaHelp != out {
				t.Errorf("lunas help %s differs from --help (err %v):\n%s", strings.Join(words, " "), err, viaHelp)
			}
		})
	}
}

// TestUsageErrorsExit2WithUsage: a usage error prints the message and the
// usage to stderr, nothing to stdout, and exits 2.
func TestUsageErrorsExit2WithUsage(t *testing.T) {
	file := filepath.Join(testutil.RepoRoot(), "examples", "payloads", "bca_150123_inv1042.json")
	for name, args := range map[string][]string{
		"no command":        {},
		"unknown command":   {"bogus"},
		"unknown flag":      {"serve", "--bogus"},
		"bad role":          {"serve", "--role", "both"},
		"unknown review":    {"review", "frobnicate"},
		"review alone":      {"review"},
		"show without id":   {"review", "show"},
		"resolve no order":  {"review", "resolve", "rv-1"},
		"replay no queue":   {"replay"},
		"send without file": {"send", "--secret", "s"},
		"send two files":    {"send", "--secret", "s", file, file},
		"sign no secret":    {"sign", file},
		"serve argument":    {"serve", "lunas.hcl"},
		"help unknown":      {"help", "bogus"},
		"completion fish":   {"completion", "fish"},
		"bad duration":      {"send", "--timeout", "soon", "--secret", "s", file},
		"bad log level":     {"dev", "--log-level", "loud"},
		"bad status":        {"review", "list", "--status", "closed"},
		"plugin init alone": {"plugin", "init"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Setenv("LUNAS_SECRET", "")
			out, errOut, err := runCLI(t, args...)
			var e *exitError
			if !errors.As(err, &e) || e.code != 2 {
				t.Fatalf("lunas %q: %v, want a usage error (exit 2)", args, err)
			}
			if out != "" || !strings.Contains(errOut, "Usage:") || !strings.Contains(errOut, err.Error()) {
				t.Errorf("lunas %q: stdout %q, stderr:\n%s", args, out, errOut)
			}
		})
	}
}

// TestFlagsAfterArguments: `lunas send FILE --secret s` is the same as
// the flags first, and "--" ends the flags.
func TestFlagsAfterArguments(t *testing.T) {
	file := filepath.Join(testutil.RepoRoot(), "examples", "payloads", "bca_150123_inv1042.json")
	body, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got = append(got, r.Header.Get("Signature"))
		if !bytes.Equal(b, body) {
			http.Error(w, "not the payload", http.StatusBadRequest)
			return
		}
		w.Write([]byte(`{"accepted":1,"duplicates":0}`))
	}))
	defer srv.Close()
	const sig = "a26c39031c7ba1d6944f64e452c5bb55acc02220be03f316a31dda58648ff21b" // of the file with test-secret-123
	t.Setenv("LUNAS_SECRET", "")
	for _, args := range [][]string{
		{"send", file, "--secret", "test-secret-123", "--url", srv.URL},
		{"send", "--url", srv.URL, file, "--secret=test-secret-123"},
		{"send", "--secret", "test-secret-123", "--url", srv.URL, "--", file},
	} {
		got = nil
		out, errOut, err := runCLI(t, args...)
		if err != nil || !strings.HasPrefix(out, "200 OK") || len(got) != 1 || got[0] != sig {
			t.Errorf("lunas %q: %v %q %q, signatures %q", args, err, out, errOut, got)
		}
	}
	out, _, err := runCLI(t, "sign", file, "--secret", "test-secret-123")
	if err != nil || strings.TrimSpace(out) != sig {
		t.Errorf("sign FILE --secret: %q %v", out, err)
	}
	t.Setenv("LUNAS_SECRET", "test-secret-123")
	if out, _, err := runCLI(t, "sign", file); err != nil || strings.TrimSpace(out) != sig {
		t.Errorf("sign with $LUNAS_SECRET: %q %v", out, err)
	}
}

// TestFailuresExit1: a command that ran and failed exits 1, not 2.
func TestFailuresExit1(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, `{"error":"bad signature"}`, http.StatusUnauthorized)
	}))
	defer srv.Close()
	file := filepath.Join(testutil.RepoRoot(), "examples", "payloads", "bca_150123_inv1042.json")
	for _, args := range [][]string{
		{"send", file, "--secret", "wrong", "--url", srv.URL},
		{"check", "--config", filepath.Join(t.TempDir(), "missing.hcl")},
		{"sign", filepath.Join(t.TempDir(), "missing.json"), "--secret", "s"},
	} {
		_, _, err := runCLI(t, args...)
		if err == nil || exitCode(err) != 1 {
			t.Errorf("lunas %q: %v (exit %d), want a failure (exit 1)", args, err, exitCode(err))
		}
	}
}

// TestExitCodesOfTheBinary runs the real binary: help on stdout with 0,
// usage errors on stderr with 2, failures 1.
func TestExitCodesOfTheBinary(t *testing.T) {
	bin := testutil.Binary(t, "lunas")
	for _, tc := range []struct {
		args           []string
		code           int
		stdout, stderr string
	}{
		{[]string{"send", "--help"}, 0, "Usage:\n  lunas send [flags] FILE", ""},
		{[]string{"help", "serve"}, 0, "lunas serve: run the bridge", ""},
		{[]string{"version"}, 0, "lunas ", ""},
		{[]string{"bogus"}, 2, "", `lunas: unknown command "lunas bogus"`},
		{[]string{"serve", "--role", "both"}, 2, "", "Usage:\n  lunas serve [flags]"},
		{[]string{"check", "--config", "/nonexistent/lunas.hcl"}, 1, "", "lunas: read config"},
	} {
		var out, errOut bytes.Buffer
		cmd := exec.Command(bin, tc.args...)
		cmd.Stdout, cmd.Stderr = &out, &errOut
		err := cmd.Run()
		code := 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if code != tc.code || !strings.Contains(out.String(), tc.stdout) || !strings.Contains(errOut.String(), tc.stderr) ||
			(tc.stdout == "" && out.Len() > 0) || (tc.stderr == "" && errOut.Len() > 0) {
			t.Errorf("lunas %q: exit %d, stdout %q, stderr %q", tc.args, code, out.String(), errOut.String())
		}
	}
}

// TestCompletionScriptsParse checks the generated scripts with the shells'
// own syntax check, and that bash offers the commands and flags.
func TestCompletionScriptsParse(t *testing.T) {
	for _, shell := range []string{"bash", "zsh"} {
		t.Run(shell, func(t *testing.T) {
			path, err := exec.LookPath(shell)
			if err != nil {
				t.Skipf("%s is not installed", shell)
			}
			out, _, err := runCLI(t, "completion", shell)
			if err != nil || !strings.Contains(out, "reconcile") || !strings.Contains(out, "--since") {
				t.Fatalf("completion %s: %v\n%s", shell, err, out)
			}
			script := filepath.Join(t.TempDir(), "lunas."+shell)
			if err := os.WriteFile(script, []byte(out), 0o600); err != nil {
				t.Fatal(err)
			}
			if b, err := exec.Command(path, "-n", script).CombinedOutput(); err != nil {
				t.Fatalf("%s -n: %v\n%s", shell, err, b)
			}
		})
	}
	if _, err := exec.LookPath("bash"); err != nil {
		return
	}
	out, _, _ := runCLI(t, "completion", "bash")
	script := filepath.Join(t.TempDir(), "lunas.bash")
	os.WriteFile(script, []byte(out), 0o600)
	probe := `source "$1"
complete_words() { COMP_WORDS=("${@}"); COMP_CWORD=$((${#COMP_WORDS[@]}-1)); _lunas; echo "${COMPREPLY[*]}"; }
complete_words lunas rev
complete_words lunas review list --st
complete_words lunas completion ""
complete_words lunas serve --role r
`
	b, err := exec.Command("bash", "-c", probe, "probe", script).CombinedOutput()
	if err != nil || string(b) != "review\n--status --store\nbash zsh\nreceiver\n" {
		t.Errorf("bash completion: %v\n%s", err, b)
	}
}

// TestDurationFlags: durations are accepted and printed as people write them.
func TestDurationFlags(t *testing.T) {
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	var d time.Duration
	durationFlag(fs, &d, "since", 36*time.Hour, "")
	if got := fs.Lookup("since").DefValue; got != "1d12h" {
		t.Errorf("default printed as %q", got)
	}
	if err := fs.Parse([]string{"--since", "12d"}); err != nil || d != 12*24*time.Hour {
		t.Errorf("--since 12d = %v, %v", d, err)
	}
}

// TestReviewTimesCarryTheirZone: times the review commands print say
// which zone they are in.
func TestReviewTimesCarryTheirZone(t *testing.T) {
	at := time.Date(2026, 3, 1, 2, 30, 0, 0, time.UTC)
	it := core.ReviewItem{ID: "rv-1", Status: core.ReviewOpen, CreatedAt: at, Date: at,
		Actions: []core.ReviewAction{{At: at, Actor: "ops", Action: "claimed"}}}
	var b bytes.Buffer
	printReviewTable(&b, []core.ReviewItem{it})
	printReviewItem(&b, it)
	if n := strings.Count(b.String(), "2026-03-01 09:30"); n != 3 || strings.Count(b.String(), " WIB") != 3 {
		t.Errorf("times without their zone:\n%s", b.String())
	}
	// A time not known (an item stored before the field existed) is not
	// printed as a date in year 1.
	b.Reset()
	it.Date = time.Time{}
	printReviewItem(&b, it)
	if strings.Contains(b.String(), "0001-01-01") {
		t.Errorf("a zero time printed as a date:\n%s", b.String())
	}
}

// TestVersion: a semantic version, the commit, the build date and Go's version.
func TestVersion(t *testing.T) {
	out, _, err := runCLI(t, "version")
	if err != nil || !regexp.MustCompile(`^lunas \d+\.\d+\.\d+\S*\n  commit  .+\n  built   .+\n  go      go1\.\S+ \S+/\S+\n$`).MatchString(out) {
		t.Errorf("version = %q, %v", out, err)
	}
	if out2, _, _ := runCLI(t, "--version"); out2 != out {
		t.Errorf("--version = %q", out2)
	}
}
