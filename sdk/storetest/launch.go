package storetest

import (
	"context"
	"encoding/json"
	"os/exec"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"

	"github.com/lunas-dev/lunas/sdk"
)

// Launch starts the plugin binary at path as the core would (go-plugin,
// gRPC, AutoMTLS), configures it with settings, and returns the Store. The
// process is killed when the test ends.
func Launch(t testing.TB, path, storeName string, settings any) sdk.Store {
	t.Helper()
	client := plugin.NewClient(&plugin.ClientConfig{
		HandshakeConfig:  sdk.Handshake,
		Plugins:          sdk.PluginMap(),
		Cmd:              exec.Command(path),
		AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
		AutoMTLS:         true,
		Logger:           hclog.New(&hclog.LoggerOptions{Name: "storetest", Level: hclog.Warn, Output: hclog.DefaultOutput}),
	})
	t.Cleanup(client.Kill)
	rpc, err := client.Client()
	if err != nil {
		t.Fatalf("start plugin %s: %v", path, err)
	}
	raw, err := rpc.Dispense(sdk.PluginName)
	if err != nil {
		t.Fatalf("dispense plugin %s: %v", path, err)
	}
	store := raw.(sdk.Store)
	Configure(t, store, storeName, settings)
	return store
}

// InProcess serves store over a real gRPC connection inside the test
// process, so the sdk's adapters (errors, deadlines, panics) are exercised
// without building a binary.
func InProcess(t testing.TB, store sdk.Store) sdk.Store {
	t.Helper()
	client, _ := plugin.TestPluginGRPCConn(t, false, map[string]plugin.Plugin{sdk.PluginName: &sdk.GRPCPlugin{Impl: store}})
	t.Cleanup(func() { client.Close() })
	raw, err := client.Dispense(sdk.PluginName)
	if err != nil {
		t.Fatalf("dispense in-process plugin: %v", err)
	}
	return raw.(sdk.Store)
}

// Configure sends settings (anything that marshals to a JSON object) to store.
func Configure(t testing.TB, store sdk.Store, storeName string, settings any) {
	t.Helper()
	raw, err := json.Marshal(settings)
	if err != nil {
		t.Fatalf("marshal settings: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, err := store.Configure(ctx, &sdk.ConfigureRequest{StoreName: storeName, Settings: raw}); err != nil {
		t.Fatalf("Configure %s: %v", storeName, err)
	}
}
