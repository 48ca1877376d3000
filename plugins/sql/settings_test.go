package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/lunas-dev/lunas/sdk"
)

func parse(settings map[string]any) (*config, error) {
	raw, _ := json.Marshal(settings)
	return parseSettings(&sdk.ConfigureRequest{StoreName: "s", Settings: raw})
}

func TestSettingsDefaults(t *testing.T) {
	cfg, err := parse(map[string]any{"dsn": "postgres://shop@db.internal:5433/shop"})
	if err != nil {
		t.Fatal(err)
	}
	want := Columns{ID: "id", Number: "number", Status: "status", Amount: "amount", Currency: "currency", CreatedAt: "created_at", PaidBy: "paid_by"}
	if cfg.cols != want || cfg.table.Sanitize() != `"orders"` || cfg.paidStatus != "processing" ||
		strings.Join(cfg.openStatuses, ",") != "on-hold,pending" || cfg.maxConns != 4 || cfg.describe() != "shop@db.internal:5433/shop" {
		t.Fatalf("config = %+v", cfg)
	}
}

func TestSettingsPartialColumns(t *testing.T) {
	cfg, err := parse(map[string]any{"dsn": "host=db user=shop", "table": "shop.wc_orders",
		"columns": map[string]string{"id": "order_id", "number": "order_id", "amount": "total"}})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.cols.ID != "order_id" || cfg.cols.Number != "order_id" || cfg.cols.Amount != "total" || cfg.cols.Status != "status" {
		t.Fatalf("columns = %+v", cfg.cols)
	}
	if got := cfg.table.Sanitize(); got != `"shop"."wc_orders"` {
		t.Fatalf("table = %s", got)
	}
}

func TestSettingsRefused(t *testing.T) {
	const password = "s3cret-passw0rd"
	dsn := "postgres://shop@127.0.0.1/shop"
	tests := []struct {
		name     string
		settings map[string]any
		want     string
	}{
		{"no dsn", map[string]any{}, "settings.dsn is required"},
		{"bad URL dsn with password", map[string]any{"dsn": "postgres://shop:" + password + "@127.0.0.1:notaport/shop"}, "settings.dsn is not a valid PostgreSQL connection string"},
		{"bad key=value dsn with password", map[string]any{"dsn": "host=127.0.0.1 password=" + password + " sslmode=bogus"}, "settings.dsn is not a valid"},
		{"misspelt key", map[string]any{"dsn": dsn, "tabel": "orders"}, `unknown field "tabel"`},
		{"misspelt column key", map[string]any{"dsn": dsn, "columns": map[string]string{"idd": "x"}}, `unknown field "idd"`},
		{"table with SQL", map[string]any{"dsn": dsn, "table": "orders; DROP TABLE orders"}, `settings.table "orders; DROP TABLE orders"`},
		{"three-part table", map[string]any{"dsn": dsn, "table": "db.shop.orders"}, `use "table" or "schema.table"`},
		{"quoted column", map[string]any{"dsn": dsn, "columns": map[string]string{"status": `st"atus`}}, `settings.columns.status "st\"atus" is not a plain identifier`},
		{"column starting with digit", map[string]any{"dsn": dsn, "columns": map[string]string{"amount": "1total"}}, "settings.columns.amount"},
		{"optional column with SQL", map[string]any{"dsn": dsn, "columns": map[string]string{"va_number": "va; --"}}, `settings.columns.va_number "va; --" is not a plain identifier`},
		{"optional column shares a written one", map[string]any{"dsn": dsn, "columns": map[string]string{"bank_id": "paid_by"}}, `settings.columns.paid_by and settings.columns.bank_id both name column "paid_by"`},
		{"shared column", map[string]any{"dsn": dsn, "columns": map[string]string{"paid_by": "status"}}, `settings.columns.status and settings.columns.paid_by both name column "status"`},
		{"no open statuses", map[string]any{"dsn": dsn, "open_statuses": []string{}}, "settings.open_statuses must name at least one"},
		{"empty open status", map[string]any{"dsn": dsn, "open_statuses": []string{"pending", ""}}, "settings.open_statuses contains an empty status"},
		{"paid status is open", map[string]any{"dsn": dsn, "open_statuses": []string{"pending", "processing"}}, `settings.paid_status "processing" is also in settings.open_statuses`},
		{"empty paid status", map[string]any{"dsn": dsn, "paid_status": " "}, "settings.paid_status must not be empty"},
		{"max_conns zero", map[string]any{"dsn": dsn, "max_conns": 0}, "settings.max_conns 0 is out of range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parse(tt.settings)
			if err == nil {
				t.Fatal("accepted")
			}
			if !sdk.IsPermanent(err) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %q (permanent %v), want a permanent error containing %q", err, sdk.IsPermanent(err), tt.want)
			}
			if strings.Contains(err.Error(), password) {
				t.Fatalf("error reveals the password: %q", err)
			}
		})
	}
}

// TestQueriesQuoteIdentifiers pins the SQL text: identifiers quoted, every
// value a bind parameter.
func TestQueriesQuoteIdentifiers(t *testing.T) {
	q := buildQueries(pgx.Identifier{"shop", "Orders"}, Columns{ID: "id", Number: "no", Status: "status", Amount: "amount",
		Currency: "currency", CreatedAt: "created_at", PaidBy: "paid_by"})
	cols := `"id"::text, coalesce("no"::text, "id"::text), "status"::text, "amount"::text, coalesce("currency"::text, ''), "created_at"::timestamptz, coalesce("paid_by"::text, ''), ''::text, ''::text, ''::text`
	tests := map[string]string{
		"find": `SELECT ` + cols + ` FROM "shop"."Orders" WHERE "status"::text = ANY($1::text[]) AND "created_at" >= $2 AND "amount" = $3::numeric AND coalesce("paid_by"::text, '') = '' ORDER BY "created_at", "id" LIMIT $4`,
		"lock": `SELECT ` + cols + ` FROM "shop"."Orders" WHERE "id" = $1 FOR UPDATE`,
		"pay":  `UPDATE "shop"."Orders" SET "status" = $1, "paid_by" = $2 WHERE "id" = $3 AND coalesce("paid_by"::text, '') = ''`,
	}
	got := map[string]string{"find": q.find, "lock": q.lock, "pay": q.pay}
	for name, want := range tests {
		if got[name] != want {
			t.Errorf("%s query:\n got %s\nwant %s", name, got[name], want)
		}
	}
}

// TestQueriesReadOptionalColumns pins how the optional bank_id, va_number
// and payment_ref columns are read when named: as text, NULL as empty text. They
// may share the number column, being only read.
func TestQueriesReadOptionalColumns(t *testing.T) {
	cfg, err := parse(map[string]any{"dsn": "host=db", "columns": map[string]string{
		"bank_id": "moota_bank_id", "va_number": "number", "payment_ref": "checkout_ref"}})
	if err != nil {
		t.Fatal(err)
	}
	q := buildQueries(cfg.table, cfg.cols)
	want := `coalesce("paid_by"::text, ''), coalesce("moota_bank_id"::text, ''), coalesce("number"::text, ''), coalesce("checkout_ref"::text, '') FROM "orders"`
	if !strings.Contains(q.find, want) || !strings.Contains(q.lock, want) {
		t.Fatalf("find query %s\nlock query %s\nwant both to read %s", q.find, q.lock, want)
	}
}
