package sdk

import "github.com/hashicorp/go-plugin"

// Handshake is shared by the core and every plugin. A mismatch makes
// go-plugin refuse to start the plugin with a clear message.
//
// These values should never change within lunas.store.v1: changing them
// breaks every plugin built before. ProtocolVersion is raised only together
// with a new proto package.
var Handshake = plugin.HandshakeConfig{
	ProtocolVersion:  1,
	MagicCookieKey:   "LUNAS_STORE_PLUGIN",
	MagicCookieValue: "b1f2e6a4-lunas-store-v1",
}

// PluginName is the key of the store plugin in PluginMap.
const PluginName = "store"

// PluginMap returns the host's plugin set for plugin.NewClient; dispense
// PluginName from it to get a Store.
func PluginMap() map[string]plugin.Plugin {
	return map[string]plugin.Plugin{PluginName: &GRPCPlugin{}}
}
