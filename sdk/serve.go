package sdk

import (
	"os"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
)

// ServeOption configures Serve.
type ServeOption func(*serveConfig)

type serveConfig struct {
	logger  hclog.Logger
	version string
}

// WithLogger sets the logger used for the plugin's own messages (panics
// recovered, for instance). The default is Logger("plugin").
func WithLogger(l hclog.Logger) ServeOption { return func(c *serveConfig) { c.logger = l } }

// Serve runs store as a Lunas store plugin and returns when the core stops
// it. It is all a plugin's main function needs. Serve must be started by the
// Lunas core; run by hand, it prints a short explanation and exits.
func Serve(store Store, opts ...ServeOption) {
	cfg := serveConfig{}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.logger == nil {
		cfg.logger = Logger("plugin")
	}
	if cfg.version == "" {
		cfg.version = BuildVersion()
	}
	if os.Getenv(Handshake.MagicCookieKey) != Handshake.MagicCookieValue {
		os.Stderr.WriteString("This is a Lunas store plugin. It is started by `lunas serve`, not by hand:\n" +
			"put it next to the lunas binary (or name it with path = \"...\" in the store block).\n")
		os.Exit(1)
	}
	go exitWithParent(cfg.logger)
	plugin.Serve(&plugin.ServeConfig{
		HandshakeConfig: Handshake,
		Plugins:         map[string]plugin.Plugin{PluginName: &GRPCPlugin{Impl: store, Logger: cfg.logger, Version: cfg.version}},
		GRPCServer:      plugin.DefaultGRPCServer,
		Logger:          cfg.logger,
	})
}

// Logger returns an hclog logger that writes JSON to stderr, which the core
// relays into its own log with the plugin's name. Never log to stdout: it is
// go-plugin's handshake channel. Never log secrets, tokens or bank.meta.
func Logger(name string) hclog.Logger {
	return hclog.New(&hclog.LoggerOptions{
		Name:       name,
		Output:     os.Stderr,
		JSONFormat: true,
		Level:      hclog.LevelFromString(envOr("LUNAS_PLUGIN_LOG_LEVEL", "info")),
	})
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// exitWithParent ends the plugin when the core that started it is gone (a
// kill -9 gives the core no chance to stop its plugins): the plugin is
// re-parented, and an orphan serving nobody would linger forever.
func exitWithParent(log hclog.Logger) {
	parent := os.Getppid()
	for {
		time.Sleep(time.Second)
		if os.Getppid() != parent {
			log.Warn("the Lunas core that started this plugin is gone; exiting")
			os.Exit(0)
		}
	}
}
