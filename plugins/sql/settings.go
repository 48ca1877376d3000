package main

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/lunas-dev/lunas/sdk"
)

// Settings are the store block's settings for the sql plugin, as they
// appear in lunas.hcl.
type Settings struct {
	// DSN is a PostgreSQL connection string (URL or key=value). Required.
	// It may hold a password; it is never logged.
	DSN string `json:"dsn"`
	// Table holds the orders: "orders" or "schema.orders". Default "orders".
	Table string `json:"table"`
	// Columns names the table's columns; each defaults to its own key.
	Columns Columns `json:"columns"`
	// OpenStatuses are the statuses of orders awaiting payment.
	// Default ["on-hold", "pending"].
	OpenStatuses []string `json:"open_statuses"`
	// PaidStatus is the status a paid order moves to. Default "processing".
	PaidStatus string `json:"paid_status"`
	// MaxConns bounds the plugin's connections to the database. Default 4.
	MaxConns int `json:"max_conns"`
}

// Columns names the order table's columns. The amount column should be
// numeric (exact); created_at a timestamp; paid_by text, empty or NULL
// while the order is unpaid.
//
// BankID, VANumber and PaymentRef are optional and have no default: name
// them only when the table has them. They hold the Moota bank_id the
// customer was told to pay into, the order's own virtual account number and
// the store's payment reference (see sdk.Order); NULL or empty means "not
// known" for that order. They are only read, so they may share the id or
// number column (a VA number kept in the number column, say).
type Columns struct {
	ID         string `json:"id"`
	Number     string `json:"number"`
	Status     string `json:"status"`
	Amount     string `json:"amount"`
	Currency   string `json:"currency"`
	CreatedAt  string `json:"created_at"`
	PaidBy     string `json:"paid_by"`
	BankID     string `json:"bank_id"`
	VANumber   string `json:"va_number"`
	PaymentRef string `json:"payment_ref"`
}

const (
	defaultMaxConns = 4
	maxMaxConns     = 64
)

// identRE is what the plugin accepts as a table, schema or column name:
// a plain PostgreSQL identifier. Names are also quoted with pgx.Identifier,
// so this is a second fence, and it keeps error messages unambiguous.
var identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,62}$`)

// config is the validated form of Settings.
type config struct {
	conn         *pgx.ConnConfig
	table        pgx.Identifier
	cols         Columns
	openStatuses []string
	paidStatus   string
	maxConns     int
}

// parseSettings decodes and validates the settings. Every error is
// permanent, names the setting and never quotes the DSN's password.
func parseSettings(req *sdk.ConfigureRequest) (*config, error) {
	s := Settings{Table: "orders", OpenStatuses: []string{"on-hold", "pending"}, PaidStatus: "processing", MaxConns: defaultMaxConns}
	if err := req.Decode(&s); err != nil {
		return nil, err
	}
	cfg := &config{openStatuses: s.OpenStatuses, paidStatus: s.PaidStatus, maxConns: s.MaxConns}
	var err error
	if cfg.conn, err = parseDSN(s.DSN); err != nil {
		return nil, err
	}
	if cfg.table, err = parseTable(s.Table); err != nil {
		return nil, err
	}
	if cfg.cols, err = s.Columns.withDefaults(); err != nil {
		return nil, err
	}
	if err := validateStatuses(s.OpenStatuses, s.PaidStatus); err != nil {
		return nil, err
	}
	if s.MaxConns < 1 || s.MaxConns > maxMaxConns {
		return nil, sdk.Permanentf("settings.max_conns %d is out of range: use 1 to %d", s.MaxConns, maxMaxConns)
	}
	return cfg, nil
}

func parseDSN(dsn string) (*pgx.ConnConfig, error) {
	if strings.TrimSpace(dsn) == "" {
		return nil, sdk.Permanentf("settings.dsn is required: a PostgreSQL connection string such as \"postgres://lunas@db.internal:5432/shop\" (put the password in env(...))")
	}
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, sdk.Permanentf("settings.dsn is not a valid PostgreSQL connection string: %s", parseReason(err))
	}
	return cfg, nil
}

// parseReason keeps what pgx says is wrong with a connection string and
// drops the string itself, whose password pgx only redacts on a best-effort basis.
func parseReason(err error) string {
	var pe *pgconn.ParseConfigError
	if !errors.As(err, &pe) {
		return "it cannot be parsed"
	}
	msg := pe.Error()
	if i := strings.LastIndex(msg, "`: "); i >= 0 {
		msg = msg[i+len("`: "):]
	}
	if pw := passwordOf(pe.ConnString); pw != "" && strings.Contains(msg, pw) {
		return "it cannot be parsed"
	}
	return msg
}

// passwordOf finds a password in a connection string that pgx could not
// parse, so that it can be kept out of the error.
func passwordOf(dsn string) string {
	if i := strings.Index(dsn, "://"); i >= 0 {
		rest := dsn[i+3:]
		if at := strings.LastIndex(rest, "@"); at >= 0 {
			if _, pw, ok := strings.Cut(rest[:at], ":"); ok {
				return pw
			}
		}
	}
	if _, after, ok := strings.Cut(dsn, "password="); ok {
		pw, _, _ := strings.Cut(strings.Trim(after, "'"), " ")
		return strings.Trim(pw, "'")
	}
	return ""
}

func parseTable(table string) (pgx.Identifier, error) {
	parts := strings.Split(table, ".")
	if len(parts) > 2 {
		return nil, sdk.Permanentf("settings.table %q: use \"table\" or \"schema.table\"", table)
	}
	for _, p := range parts {
		if !identRE.MatchString(p) {
			return nil, sdk.Permanentf("settings.table %q: %q is not a plain identifier (letters, digits, _; not starting with a digit; at most 63)", table, p)
		}
	}
	return pgx.Identifier(parts), nil
}

// withDefaults fills unnamed columns with their default names and checks
// every name.
func (c Columns) withDefaults() (Columns, error) {
	fields := []struct {
		key string
		val *string
	}{
		{"id", &c.ID}, {"number", &c.Number}, {"status", &c.Status}, {"amount", &c.Amount},
		{"currency", &c.Currency}, {"created_at", &c.CreatedAt}, {"paid_by", &c.PaidBy},
	}
	used := map[string]string{}
	for _, f := range fields {
		if *f.val == "" {
			*f.val = f.key
		}
		if !identRE.MatchString(*f.val) {
			return c, sdk.Permanentf("settings.columns.%s %q is not a plain identifier (letters, digits, _; not starting with a digit; at most 63)", f.key, *f.val)
		}
		// The number may live in the id column; any other sharing would
		// make the plugin overwrite one meaning with another.
		if other, dup := used[*f.val]; dup && !(f.key == "number" && other == "id") {
			return c, sdk.Permanentf("settings.columns.%s and settings.columns.%s both name column %q", other, f.key, *f.val)
		}
		used[*f.val] = f.key
	}
	optional := []struct {
		key string
		val string
	}{{"bank_id", c.BankID}, {"va_number", c.VANumber}, {"payment_ref", c.PaymentRef}}
	for _, f := range optional {
		if f.val == "" {
			continue
		}
		if !identRE.MatchString(f.val) {
			return c, sdk.Permanentf("settings.columns.%s %q is not a plain identifier (letters, digits, _; not starting with a digit; at most 63)", f.key, f.val)
		}
		if other, dup := used[f.val]; dup && other != "id" && other != "number" {
			return c, sdk.Permanentf("settings.columns.%s and settings.columns.%s both name column %q", other, f.key, f.val)
		}
		used[f.val] = f.key
	}
	return c, nil
}

func validateStatuses(open []string, paid string) error {
	if len(open) == 0 {
		return sdk.Permanentf("settings.open_statuses must name at least one status of orders awaiting payment")
	}
	if strings.TrimSpace(paid) == "" {
		return sdk.Permanentf("settings.paid_status must not be empty")
	}
	for _, s := range open {
		if strings.TrimSpace(s) == "" {
			return sdk.Permanentf("settings.open_statuses contains an empty status")
		}
	}
	if slices.Contains(open, paid) {
		return sdk.Permanentf("settings.paid_status %q is also in settings.open_statuses: a paid order would look unpaid", paid)
	}
	return nil
}

// describe names the database for logs and errors, without the password.
func (c *config) describe() string {
	return fmt.Sprintf("%s@%s:%d/%s", c.conn.User, c.conn.Host, c.conn.Port, c.conn.Database)
}
