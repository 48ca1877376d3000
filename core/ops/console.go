package ops

import (
	"bytes"
	"embed"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hibiken/asynq"

	"github.com/lunas-dev/lunas/core"
)

// ConsolePath is where the review console is served.
const ConsolePath = "/review"

// consoleCSP is the Content-Security-Policy of every console page: assets
// from the console only, no inline script or style, no framing, and forms
// that post only back to the console.
const consoleCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; " +
	"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// console serves the review console: server-rendered pages over the review
// inbox, the queues and the health sources, with forms that pay or dismiss
// an item. It is safe for concurrent use.
type console struct {
	inbox    Inbox
	stores   []string
	health   StoreHealth
	payments PaymentStats
	orderURL func(store string, order core.OrderRef) string
	queues   *asynq.Inspector
	key      *formKey
	pages    map[string]*template.Template
	log      hclog.Logger
	now      func() time.Time
}

// registerConsole adds the console's routes to mux. cfg has its defaults
// filled in (Redis and Logger set) and a non-nil Review.
func registerConsole(mux *http.ServeMux, cfg Config) {
	c := &console{
		inbox: cfg.Review, stores: cfg.Stores, health: cfg.StoreHealth, payments: cfg.Payments,
		orderURL: cfg.OrderURL, key: newFormKey(), pages: parsePages(), log: cfg.Logger, now: time.Now,
		// The inspector shares the handler's Redis client, which the
		// handler closes; an inspector made this way leaves it open.
		queues: asynq.NewInspectorFromRedisClient(cfg.Redis),
	}
	mux.HandleFunc("GET "+ConsolePath, c.list)
	mux.HandleFunc("GET "+ConsolePath+"/{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, ConsolePath, http.StatusFound)
	})
	mux.HandleFunc("GET "+ConsolePath+"/overview", c.overview)
	mux.HandleFunc("GET "+ConsolePath+"/{id}", c.item)
	mux.HandleFunc("POST "+ConsolePath+"/{id}/pay", c.pay)
	mux.HandleFunc("POST "+ConsolePath+"/{id}/dismiss", c.dismiss)
	static, _ := fs.Sub(staticFS, "static")
	mux.Handle("GET "+ConsolePath+"/assets/", http.StripPrefix(ConsolePath+"/assets/", assets{http.FileServerFS(static)}))
}

// assets serves the console's CSS and JS with their security headers.
type assets struct{ next http.Handler }

func (a assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "private, max-age=300")
	a.next.ServeHTTP(w, r)
}

// parsePages parses each page template with the shared layout. The
// templates are embedded, so a parse error is a build mistake that the
// package's tests catch.
func parsePages() map[string]*template.Template {
	funcs := template.FuncMap{
		"rupiah": rupiah, "wib": wib, "isotime": machineTime, "reasonLabel": reasonLabel, "ago": ago,
	}
	pages := map[string]*template.Template{}
	for _, name := range []string{"list", "item", "overview", "error"} {
		pages[name] = template.Must(template.New(name).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html"))
	}
	return pages
}

// page is what every console page shows around its content.
type page struct {
	Title string
	Nav   string // which top link is the current page
	Login string
	Now   time.Time
	CSRF  string
}

func (c *console) page(r *http.Request, title, nav string) page {
	return page{Title: title, Nav: nav, Login: actor(r), Now: c.now(), CSRF: CSRFToken(r)}
}

// render writes a page with the console's security headers. The page is
// rendered into memory first, so a template error becomes a clean 500.
func (c *console) render(w http.ResponseWriter, code int, name string, data any) {
	var buf bytes.Buffer
	if err := c.pages[name].ExecuteTemplate(&buf, "layout", data); err != nil {
		c.log.Error("render console page", "page", name, "error", err)
		http.Error(w, "the console could not render this page", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", consoleCSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_, _ = w.Write(buf.Bytes())
}

// errorPage is the console's page for a request it could not serve.
type errorPage struct {
	page
	Code    int
	Message string
	Back    string
}

func (c *console) fail(w http.ResponseWriter, r *http.Request, code int, msg string) {
	c.render(w, code, "error", errorPage{page: c.page(r, http.StatusText(code), ""), Code: code, Message: msg, Back: ConsolePath})
}

// itemPath is the console page of a review item.
func itemPath(id string) string { return ConsolePath + "/" + url.PathEscape(id) }

// Queue names, as core/queue/task.go makes them (StoreQueue, UnroutedQueue);
// ops does not import the queue adapter, so they are repeated here.
const (
	storeQueuePrefix = "store:"
	unroutedQueue    = "lunas:unrouted"
)

// taskQueue is the Asynq queue holding an item's task.
func taskQueue(item core.ReviewItem) string {
	if item.Store == "" {
		return unroutedQueue
	}
	return storeQueuePrefix + item.Store
}

// taskURL is the task's page in asynqmon, whose UI routes it as
// queues/:qname/tasks/:taskId (asynqmon ui/src/paths.ts, TASK_DETAILS).
func taskURL(queue, id string) string {
	return queueURL(queue) + "/tasks/" + url.PathEscape(id)
}

// queueURL is the queue's page in asynqmon (ui/src/paths.ts, QUEUE_DETAILS).
func queueURL(queue string) string {
	return MonitoringPath + "/queues/" + url.PathEscape(queue)
}
