package pluginhost

import (
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"

	"github.com/lunas-dev/lunas/sdk"
)

// binary is a plugin executable opened for one launch. Its permissions
// were checked and its pin, if any, was computed from this open file, so
// exec'ing it through the descriptor (command) runs exactly the bytes
// that were checked, whatever has been renamed over the path since.
// go-plugin's SecureConfig hashes the path and then runs the path, which
// leaves a window in which the file can be swapped.
type binary struct {
	path string   // the path as configured, for messages and argv[0]
	file *os.File // open for reading; close it once the process started
}

// openBinary opens the plugin at path, refusing it if it or a directory
// above it can be written by others, or if it does not match pin (when
// pin is not nil). The errors are permanent: they do not heal on a retry.
func openBinary(store, path string, pin []byte) (*binary, error) {
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return nil, sdk.Permanent(fmt.Errorf("store %q: plugin %s: %w", store, path, err))
	}
	if err := checkDirs(filepath.Dir(real)); err != nil {
		return nil, sdk.Permanent(fmt.Errorf("store %q: plugin %s: %w: refusing to run it", store, path, err))
	}
	f, err := os.Open(real)
	if err != nil {
		return nil, sdk.Permanent(fmt.Errorf("store %q: plugin %s: %w", store, path, err))
	}
	fi, err := f.Stat()
	if err == nil {
		err = checkFile(real, fi)
	}
	if err != nil {
		f.Close()
		return nil, sdk.Permanent(fmt.Errorf("store %q: plugin %s: %w: refusing to run it", store, path, err))
	}
	if pin != nil {
		h := sha256.New()
		if _, err := io.Copy(h, f); err != nil {
			f.Close()
			return nil, sdk.Permanent(fmt.Errorf("store %q: plugin %s: read for its sha256 pin: %w", store, path, err))
		}
		if subtle.ConstantTimeCompare(h.Sum(nil), pin) != 1 {
			f.Close()
			return nil, sdk.Permanent(fmt.Errorf("store %q: plugin %s does not match its sha256 pin: refusing to run it", store, path))
		}
	}
	return &binary{path: path, file: f}, nil
}

// execPath is what to exec: the open file itself where the system can
// (Linux: the child inherits it as descriptor 3, see command), the path
// elsewhere.
func (b *binary) execPath() (path string, extra []*os.File) {
	if runtime.GOOS == "linux" {
		return "/proc/self/fd/3", []*os.File{b.file}
	}
	return b.file.Name(), nil
}

// Close releases the descriptor; the started process keeps its own copy.
func (b *binary) Close() error { return b.file.Close() }

// unsafeBits are the permission bits that let someone other than the owner
// change a file or a directory's entries.
const unsafeBits = 0o022

// checkFile refuses a plugin that is not a regular file or that its group
// or everyone may write.
func checkFile(path string, fi fs.FileInfo) error {
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file", path)
	}
	if perm := fi.Mode().Perm(); perm&unsafeBits != 0 {
		return fmt.Errorf("%s is writable by its group or by everyone (mode %04o; chmod go-w it)", path, perm)
	}
	return nil
}

// checkDirs refuses dir, or any directory above it, if its group or
// everyone may write it, unless it has the sticky bit (as /tmp has: then
// only an entry's owner may rename or remove it). Such a directory would
// let others put another binary in the plugin's place.
func checkDirs(dir string) error {
	for {
		fi, err := os.Stat(dir)
		if err != nil {
			return err
		}
		sticky := fi.Mode()&fs.ModeSticky != 0
		if perm := fi.Mode().Perm(); perm&unsafeBits != 0 && !sticky {
			return fmt.Errorf("folder %s is writable by its group or by everyone (mode %04o; chmod go-w it)", dir, perm)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return nil
		}
		dir = parent
	}
}
