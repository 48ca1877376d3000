package pluginhost

import "os"

// BaseEnv names the variables every plugin gets from Lunas's environment,
// when they are set: enough to find programs, a home and a temporary
// directory, and to format times and text. Nothing else is inherited:
// Lunas's environment holds the webhook secret, the admin password and
// other stores' keys, which a plugin (perhaps a third party's) must not see.
var BaseEnv = []string{"PATH", "HOME", "TMPDIR", "TZ", "LANG"}

// environment is the plugin's whole environment: BaseEnv and the names
// passed through from Lunas's environment, then the extra NAME=VALUE
// entries. go-plugin adds its handshake variables to it.
func environment(pass, extra []string) []string {
	env := make([]string, 0, len(BaseEnv)+len(pass)+len(extra))
	seen := map[string]bool{}
	for _, names := range [][]string{BaseEnv, pass} {
		for _, name := range names {
			if v, ok := os.LookupEnv(name); ok && !seen[name] {
				seen[name] = true
				env = append(env, name+"="+v)
			}
		}
	}
	return append(env, extra...)
}
