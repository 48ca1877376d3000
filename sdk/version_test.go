package sdk

import (
	"context"
	"runtime/debug"
	"testing"

	"github.com/hashicorp/go-plugin"
)

func TestVersionOfBuildInfo(t *testing.T) {
	rev := []debug.BuildSetting{{Key: "vcs.revision", Value: "ffe0d76a1b2c3d4e5f60718293a4b5c6d7e8f901"}}
	tests := map[string]struct {
		info debug.BuildInfo
		want string
	}{
		"tagged module":    {debug.BuildInfo{Main: debug.Module{Version: "v1.4.0"}, Settings: rev}, "v1.4.0"},
		"vcs revision":     {debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: rev}, "ffe0d76a1b2c"},
		"dirty work tree":  {debug.BuildInfo{Settings: append(rev, debug.BuildSetting{Key: "vcs.modified", Value: "true"})}, "ffe0d76a1b2c+dirty"},
		"nothing recorded": {debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "devel"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if got := versionOf(&tt.info); got != tt.want {
				t.Fatalf("versionOf = %q, want %q", got, tt.want)
			}
		})
	}
}

// versioned answers Health with the version it holds.
type versioned struct {
	Store
	version string
}

func (v versioned) Health(context.Context, *HealthRequest) (*HealthResponse, error) {
	return &HealthResponse{Status: "ok", Version: v.version}, nil
}

func TestHealthReportsAVersion(t *testing.T) {
	tests := map[string]struct{ own, serve, want string }{
		"the plugin's own":        {own: "v2.0.0", serve: "v1.0.0", want: "v2.0.0"},
		"the one Serve was given": {serve: "v1.0.0", want: "v1.0.0"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			client, _ := plugin.TestPluginGRPCConn(t, false, map[string]plugin.Plugin{
				PluginName: &GRPCPlugin{Impl: versioned{version: tt.own}, Version: tt.serve}})
			t.Cleanup(func() { client.Close() })
			raw, err := client.Dispense(PluginName)
			if err != nil {
				t.Fatal(err)
			}
			h, err := raw.(Store).Health(context.Background(), &HealthRequest{})
			if err != nil || h.Version != tt.want {
				t.Fatalf("Health = %+v, %v; want version %q", h, err, tt.want)
			}
		})
	}
}
