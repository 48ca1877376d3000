package main

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/lunas-dev/lunas/sdk"
	"github.com/lunas-dev/lunas/sdk/storetest"
)

// These tests serve the plugin in-process (through the sdk's gRPC adapters)
// against the real PostgreSQL.

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return c
}

// defaultTable creates a table with the default names: text ids, as a
// store that uses order codes would have.
func defaultTable(d *testDB) string {
	table := d.schema + ".orders"
	d.exec(`CREATE TABLE ` + table + ` (
		id text PRIMARY KEY, number text, status text NOT NULL, amount numeric(14,2) NOT NULL,
		currency text, created_at timestamptz NOT NULL, paid_by text)`)
	return table
}

func configureErr(t *testing.T, settings map[string]any) error {
	t.Helper()
	raw, _ := json.Marshal(settings)
	_, err := storetest.InProcess(t, NewStore(nil)).Configure(ctx(t), &sdk.ConfigureRequest{StoreName: "s", Settings: raw})
	return err
}

func inProcess(t *testing.T, settings map[string]any) sdk.Store {
	t.Helper()
	store := storetest.InProcess(t, NewStore(nil))
	storetest.Configure(t, store, "sql-inproc", settings)
	return store
}

func pay(t *testing.T, store sdk.Store, o sdk.Order, mutationID string, amount sdk.Amount) *sdk.ApplyPaymentResponse {
	t.Helper()
	r, err := store.ApplyPayment(ctx(t), &sdk.ApplyPaymentRequest{Order: o,
		Mutation:       sdk.Mutation{ID: mutationID, BankID: "b", Type: "CR", Amount: amount, Date: time.Now()},
		IdempotencyKey: "moota:b:" + mutationID})
	if err != nil {
		t.Fatalf("ApplyPayment(%s): %v", o.ID, err)
	}
	return r
}

func TestDefaultColumnsAndCents(t *testing.T) {
	d := newTestDB(t)
	table := defaultTable(d)
	created := time.Now().Add(-2 * time.Hour).Truncate(time.Microsecond)
	d.exec(`INSERT INTO `+table+` VALUES
		('WC-1', '1042', 'pending', 150123.50, 'IDR', $1, NULL),
		('WC-2', NULL, 'on-hold', 150123.50, NULL, $1, ''),
		('WC-3', '1044', 'pending', 150123.00, 'IDR', $1, NULL)`, created)
	store := inProcess(t, map[string]any{"dsn": testDSN(), "table": table})

	resp, err := store.FindOpenOrders(ctx(t), &sdk.FindOpenOrdersRequest{Amount: 15012350, Since: created.Add(-time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	want := []sdk.Order{
		{ID: "WC-1", Number: "1042", Status: "pending", Amount: 15012350, Currency: "IDR", CreatedAt: created},
		{ID: "WC-2", Number: "WC-2", Status: "on-hold", Amount: 15012350, Currency: "IDR", CreatedAt: created},
	}
	if len(resp.Orders) != len(want) {
		t.Fatalf("orders = %+v, want %+v", resp.Orders, want)
	}
	for i := range want {
		got := resp.Orders[i]
		if !got.CreatedAt.Equal(want[i].CreatedAt) {
			t.Errorf("order %d created %s, want %s", i, got.CreatedAt, want[i].CreatedAt)
		}
		got.CreatedAt = want[i].CreatedAt
		if got != want[i] {
			t.Errorf("order %d = %+v, want %+v", i, got, want[i])
		}
	}
	if r := pay(t, store, want[0], "mut-'quoted\"; DROP TABLE x", 15012350); r.Outcome != sdk.OutcomePaid || r.Status != "processing" {
		t.Fatalf("pay = %+v", r)
	}
	var status, paidBy string
	d.queryRow(t, `SELECT status, paid_by FROM `+table+` WHERE id = 'WC-1'`, nil, &status, &paidBy)
	if status != "processing" || paidBy != "mut-'quoted\"; DROP TABLE x" {
		t.Fatalf("row after payment: status %q paid_by %q", status, paidBy)
	}
}

func TestOptionalColumnsReachTheCore(t *testing.T) {
	d := newTestDB(t)
	table := d.schema + ".orders"
	d.exec(`CREATE TABLE ` + table + ` (
		id bigint PRIMARY KEY, number text, status text NOT NULL, amount numeric(14,2) NOT NULL,
		currency text, created_at timestamptz NOT NULL, paid_by text, moota_bank_id text, va bigint, ref text)`)
	created := time.Now().Add(-time.Hour).Truncate(time.Microsecond)
	d.exec(`INSERT INTO `+table+` VALUES
		(1, '1001', 'on-hold', 250000, 'IDR', $1, NULL, '4Aqz9OmvWPV', 8808123456789012, 'moota-va#1'),
		(2, '1002', 'on-hold', 250000, 'IDR', $1, NULL, NULL, NULL, NULL)`, created)
	store := inProcess(t, map[string]any{"dsn": testDSN(), "table": table,
		"columns": map[string]string{"bank_id": "moota_bank_id", "va_number": "va", "payment_ref": "ref"}})
	resp, err := store.FindOpenOrders(ctx(t), &sdk.FindOpenOrdersRequest{Amount: sdk.Rupiah(250000), Since: created.Add(-time.Minute)})
	if err != nil || len(resp.Orders) != 2 {
		t.Fatalf("FindOpenOrders = %+v, %v", resp, err)
	}
	if o := resp.Orders[0]; o.ID != "1" || o.BankID != "4Aqz9OmvWPV" || o.VANumber != "8808123456789012" || o.PaymentRef != "moota-va#1" {
		t.Fatalf("order 1 = %+v, want its bank, VA number and reference", o)
	}
	if o := resp.Orders[1]; o.BankID != "" || o.VANumber != "" || o.PaymentRef != "" {
		t.Fatalf("order 2 = %+v, want no payment facts (NULL columns)", o)
	}
	if err := configureErr(t, map[string]any{"dsn": testDSN(), "table": table, "columns": map[string]string{"va_number": "no_such_column"}}); err == nil ||
		!strings.Contains(err.Error(), "no_such_column") {
		t.Fatalf("Configure with a missing optional column: %v, want an error naming it", err)
	}
}

func TestApplyPaymentDecisions(t *testing.T) {
	d := newTestDB(t)
	table := defaultTable(d)
	now := time.Now()
	d.exec(`INSERT INTO `+table+` VALUES
		('A', 'A', 'pending', 1000, 'IDR', $1, NULL),
		('B', 'B', 'cancelled', 1000, 'IDR', $1, NULL),
		('C', 'C', 'processing', 1000, 'IDR', $1, NULL),
		('D', 'D', 'processing', 1000, 'IDR', $1, 'earlier-mutation'),
		('E', 'E', 'pending', 1200, 'IDR', $1, NULL)`, now)
	store := inProcess(t, map[string]any{"dsn": testDSN(), "table": table})
	order := func(id string, amt sdk.Amount) sdk.Order {
		return sdk.Order{ID: id, Number: id, Status: "pending", Amount: amt, Currency: "IDR", CreatedAt: now}
	}
	tests := []struct {
		name     string
		order    sdk.Order
		mutation sdk.Amount
		outcome  sdk.Outcome
		reason   string
	}{
		{"cancelled", order("B", sdk.Rupiah(1000)), sdk.Rupiah(1000), sdk.OutcomeRefused, "order B is cancelled, not awaiting payment"},
		{"paid outside Lunas", order("C", sdk.Rupiah(1000)), sdk.Rupiah(1000), sdk.OutcomeAlreadyPaid, "order C is already processing"},
		{"paid by another mutation", order("D", sdk.Rupiah(1000)), sdk.Rupiah(1000), sdk.OutcomeAlreadyPaid, "already paid by mutation earlier-mutation"},
		{"amount changed", order("E", sdk.Rupiah(1000)), sdk.Rupiah(1000), sdk.OutcomeRefused, "order E is now due 1200, not the 1000 Lunas matched"},
		{"transfer differs", order("A", sdk.Rupiah(1000)), sdk.Rupiah(999), sdk.OutcomeRefused, "order A is due 1000 but the transfer was 999"},
		{"unknown", order("Z", sdk.Rupiah(1000)), sdk.Rupiah(1000), sdk.OutcomeRefused, "order Z does not exist"},
		{"injection attempt as id", order("A' OR '1'='1", sdk.Rupiah(1000)), sdk.Rupiah(1000), sdk.OutcomeRefused, "does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := pay(t, store, tt.order, "m-"+tt.name, tt.mutation)
			if r.Outcome != tt.outcome || !strings.Contains(r.Reason, tt.reason) {
				t.Fatalf("outcome %s reason %q, want %s with %q", r.Outcome, r.Reason, tt.outcome, tt.reason)
			}
		})
	}
	var untouched int
	d.queryRow(t, `SELECT count(*) FROM `+table+` WHERE status = 'processing'`, nil, &untouched)
	if untouched != 2 {
		t.Fatalf("%d processing orders after refusals, want the 2 seeded", untouched)
	}
}

func TestUnknownNumericID(t *testing.T) {
	d := newTestDB(t)
	_, settings := shopTable(d)
	store := inProcess(t, settings)
	for _, id := range []string{"not-a-number", "99999999999999999999999"} {
		r := pay(t, store, sdk.Order{ID: id, Amount: 100}, "m-"+id, 100)
		if r.Outcome != sdk.OutcomeRefused || !strings.Contains(r.Reason, "does not exist in "+`"`+d.schema+`"."shop_orders"`) {
			t.Errorf("order %q in a bigint table: %+v, want refused as unknown", id, r)
		}
	}
}

func TestConfigureChecksTheTable(t *testing.T) {
	d := newTestDB(t)
	table := defaultTable(d)
	tests := []struct {
		name     string
		settings map[string]any
		want     string
	}{
		{"missing table", map[string]any{"dsn": testDSN(), "table": d.schema + ".nope"}, "check settings.table and settings.columns"},
		{"missing column", map[string]any{"dsn": testDSN(), "table": table, "columns": map[string]string{"paid_by": "paid_ref"}}, `column "paid_ref" does not exist`},
		{"missing schema", map[string]any{"dsn": testDSN(), "table": "lunas_no_such_schema.orders"}, "settings.table"},
		{"missing database", map[string]any{"dsn": withDatabase(t, "lunas_no_such_database")}, "check the database in settings.dsn"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := configureErr(t, tt.settings)
			if !sdk.IsPermanent(err) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Configure: %v, want a permanent error containing %q", err, tt.want)
			}
		})
	}
}

func TestUnreachableDatabaseIsRetryableWithoutPassword(t *testing.T) {
	const password = "pw-that-must-not-leak"
	err := configureErr(t, map[string]any{"dsn": "postgres://shop:" + password + "@127.0.0.1:1/shop?connect_timeout=2"})
	if err == nil || sdk.IsPermanent(err) {
		t.Fatalf("Configure against a closed port: %v, want a retryable error", err)
	}
	if !strings.Contains(err.Error(), "connect to PostgreSQL shop@127.0.0.1:1/shop") || strings.Contains(err.Error(), password) {
		t.Fatalf("error %q should name the database and not the password", err)
	}
}

// TestCanceledCallFreesItsConnection holds an order's row lock from another
// session, so that ApplyPayment waits until its deadline. The plugin must
// give up with a deadline error and leave its pool usable.
func TestCanceledCallFreesItsConnection(t *testing.T) {
	d := newTestDB(t)
	table := defaultTable(d)
	d.exec(`INSERT INTO ` + table + ` VALUES ('L', 'L', 'pending', 5000, 'IDR', now(), NULL)`)
	store := inProcess(t, map[string]any{"dsn": testDSN(), "table": table, "max_conns": 1})

	locker, err := pgx.Connect(ctx(t), testDSN())
	if err != nil {
		t.Fatal(err)
	}
	defer locker.Close(context.Background())
	tx, err := locker.Begin(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx(t), `SELECT 1 FROM `+table+` WHERE id = 'L' FOR UPDATE`); err != nil {
		t.Fatal(err)
	}
	order := sdk.Order{ID: "L", Number: "L", Status: "pending", Amount: sdk.Rupiah(5000), Currency: "IDR"}
	short, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	_, err = store.ApplyPayment(short, &sdk.ApplyPaymentRequest{Order: order,
		Mutation: sdk.Mutation{ID: "m-late", Type: "CR", Amount: sdk.Rupiah(5000)}, IdempotencyKey: "k"})
	if !errors.Is(err, context.DeadlineExceeded) || sdk.IsPermanent(err) {
		t.Fatalf("ApplyPayment on a locked row past its deadline: %v, want a retryable deadline error", err)
	}
	if err := tx.Rollback(ctx(t)); err != nil {
		t.Fatal(err)
	}
	// With max_conns 1, this only works if the canceled call gave its slot back.
	if r := pay(t, store, order, "m-on-time", sdk.Rupiah(5000)); r.Outcome != sdk.OutcomePaid {
		t.Fatalf("payment after the lock was released: %+v", r)
	}
}

func withDatabase(t *testing.T, db string) string {
	u, err := url.Parse(testDSN())
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + db
	return u.String()
}
