package plugininit

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// SDKModule is the module path of the Lunas SDK, the one module a plugin
// depends on.
const SDKModule = "github.com/lunas-dev/lunas/sdk"

// ErrNoSDK is returned (wrapped) by FindSDK when no candidate holds the SDK.
var ErrNoSDK = errors.New("the Lunas SDK was not found")

// FindSDK returns the absolute path of the first candidate directory that
// holds the SDK module (a go.mod declaring SDKModule). Empty candidates are
// skipped. The error lists every place it looked.
func FindSDK(candidates ...string) (string, error) {
	var looked []string
	for _, c := range candidates {
		if c == "" {
			continue
		}
		abs, err := filepath.Abs(c)
		if err != nil {
			continue
		}
		if err := CheckSDK(abs); err == nil {
			return abs, nil
		}
		looked = append(looked, abs)
	}
	return "", fmt.Errorf("%w (looked in %s)", ErrNoSDK, strings.Join(looked, ", "))
}

// CheckSDK reports whether dir holds the SDK module: its go.mod must
// declare SDKModule.
func CheckSDK(dir string) error {
	path, err := modulePath(filepath.Join(dir, "go.mod"))
	if err != nil {
		return err
	}
	if path != SDKModule {
		return fmt.Errorf("%s/go.mod is module %q, not the Lunas SDK (%s)", dir, path, SDKModule)
	}
	return nil
}

// sdkGoVersion returns the go directive of the SDK's go.mod, which the
// plugin's go.mod repeats: a plugin needs no newer Go than the SDK does.
func sdkGoVersion(dir string) (string, error) {
	return directive(filepath.Join(dir, "go.mod"), "go")
}

func modulePath(gomod string) (string, error) {
	p, err := directive(gomod, "module")
	return strings.Trim(p, `"`), err
}

// directive returns the argument of the first line of gomod starting with
// keyword (module and go lines take one argument and no block).
func directive(gomod, keyword string) (string, error) {
	f, err := os.Open(gomod)
	if err != nil {
		return "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 2 && fields[0] == keyword {
			return fields[1], nil
		}
	}
	if err := sc.Err(); err != nil {
		return "", err
	}
	return "", fmt.Errorf("%s has no %s line", gomod, keyword)
}
