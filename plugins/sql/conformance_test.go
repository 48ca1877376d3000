package main

import (
	"fmt"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lunas-dev/lunas/internal/testutil"
	"github.com/lunas-dev/lunas/sdk"
	"github.com/lunas-dev/lunas/sdk/storetest"
)

// shopTable creates a table whose names differ from every default (so the
// columns settings are really used) with a bigint id, numeric amounts and
// timestamptz times, plus a ledger that counts the UPDATEs each order sees.
// The ledger is filled by a rule, not a trigger: the rule rewrites every
// UPDATE of the table into the UPDATE and an INSERT of one ledger row per
// updated row, whatever the plugin reports.
func shopTable(d *testDB) (table string, settings map[string]any) {
	table = d.schema + ".shop_orders"
	d.exec(`CREATE TABLE ` + table + ` (
		order_id    bigserial PRIMARY KEY,
		order_no    text NOT NULL,
		state       text NOT NULL,
		total       numeric(14,2) NOT NULL,
		curr        char(3) NOT NULL DEFAULT 'IDR',
		placed_at   timestamptz NOT NULL,
		payment_ref text
	)`)
	d.exec(`CREATE TABLE ` + d.schema + `.payment_writes (order_id bigint NOT NULL, payment_ref text)`)
	d.exec(`CREATE RULE count_payment_writes AS ON UPDATE TO ` + table + ` DO ALSO
		INSERT INTO ` + d.schema + `.payment_writes VALUES (NEW.order_id, NEW.payment_ref)`)
	settings = map[string]any{
		"dsn":   testDSN(),
		"table": table,
		"columns": map[string]string{"id": "order_id", "number": "order_no", "status": "state", "amount": "total",
			"currency": "curr", "created_at": "placed_at", "paid_by": "payment_ref"},
		"open_statuses": []string{"on-hold", "pending"},
		"paid_status":   "processing",
	}
	return table, settings
}

var orderSeq atomic.Int64

// seedShopOrder inserts an order into shopTable's table.
func seedShopOrder(t testing.TB, d *testDB, table string, o storetest.SeedOrder) sdk.Order {
	status, paidBy := "on-hold", any(nil)
	switch o.State {
	case storetest.Paid:
		status, paidBy = "processing", "seed-earlier-mutation"
	case storetest.Cancelled:
		status = "cancelled"
	}
	number := fmt.Sprintf("INV-%d", 5000+orderSeq.Add(1))
	var id int64
	d.queryRow(t, `INSERT INTO `+table+` (order_no, state, total, placed_at, payment_ref) VALUES ($1, $2, $3::numeric, $4, $5) RETURNING order_id`,
		[]any{number, status, o.Amount.String(), o.CreatedAt, paidBy}, &id)
	ref, _ := paidBy.(string)
	return sdk.Order{ID: strconv.FormatInt(id, 10), Number: number, Status: status, Amount: o.Amount, Currency: "IDR",
		CreatedAt: o.CreatedAt.Truncate(time.Microsecond), PaidBy: ref}
}

// lookupShopOrder reads an order back, with the ledger's count of writes.
func lookupShopOrder(t testing.TB, d *testDB, table, id string) storetest.Snapshot {
	var s storetest.Snapshot
	d.queryRow(t, `SELECT state, coalesce(payment_ref, ''), (SELECT count(*) FROM `+d.schema+`.payment_writes w WHERE w.order_id = o.order_id)
		FROM `+table+` o WHERE order_id = $1::bigint`, []any{id}, &s.Status, &s.PaidBy, &s.Writes)
	s.Paid = s.Status == "processing"
	return s
}

// TestConformance runs the sdk's suite against the real plugin binary on
// the real PostgreSQL.
func TestConformance(t *testing.T) {
	d := newTestDB(t)
	table, settings := shopTable(d)
	store := storetest.Launch(t, testutil.Binary(t, "lunas-plugin-sql"), "sql-test", settings)
	storetest.Run(t, storetest.Harness{
		Store:  store,
		Seed:   func(t testing.TB, o storetest.SeedOrder) sdk.Order { return seedShopOrder(t, d, table, o) },
		Lookup: func(t testing.TB, id string) storetest.Snapshot { return lookupShopOrder(t, d, table, id) },
	})
}
