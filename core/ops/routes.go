package ops

import (
	"fmt"
	"net/http"

	"github.com/hashicorp/go-hclog"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// routes maps the admin paths. cfg has its defaults filled in.
func routes(cfg Config, monitor http.Handler) *http.ServeMux {
	mux := http.NewServeMux()
	// A subtree pattern: asynqmon routes its UI, assets and API below it,
	// and the mux redirects /monitoring to /monitoring/.
	mux.Handle(MonitoringPath+"/", monitor)
	mux.Handle("GET /metrics", promhttp.HandlerFor(cfg.Registry, promhttp.HandlerOpts{
		ErrorLog: hclogPrinter{cfg.Logger},
	}))
	mux.Handle("GET /readyz", readiness{redis: cfg.Redis, ready: cfg.Ready, health: cfg.StoreHealth})
	if cfg.Review != nil {
		api := reviewAPI{inbox: cfg.Review, log: cfg.Logger}
		mux.HandleFunc("GET /api/review", api.list)
		mux.HandleFunc("GET /api/review/{id}", api.get)
		mux.HandleFunc("POST /api/review/{id}/resolve", api.resolve)
		mux.HandleFunc("POST /api/review/{id}/dismiss", api.dismiss)
	}
	if cfg.Review != nil {
		registerConsole(mux, cfg)
	}
	if cfg.Deliveries != nil {
		mux.Handle("GET /api/deliveries", deliveriesAPI{log: cfg.Deliveries})
	}
	if cfg.Replayer != nil {
		mux.Handle("POST /api/replay", replayAPI{replayer: cfg.Replayer, log: cfg.Logger})
	}
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, MonitoringPath+"/", http.StatusFound)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "no such admin route: "+r.URL.Path)
	})
	return mux
}

// hclogPrinter lets promhttp report encoding failures through hclog.
type hclogPrinter struct{ log hclog.Logger }

func (p hclogPrinter) Println(v ...any) { p.log.Error("serve metrics", "error", fmt.Sprint(v...)) }
