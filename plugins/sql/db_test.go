package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// defaultTestDSN is the PostgreSQL the tests use unless
// LUNAS_TEST_POSTGRES_DSN names another, as scripts/with-postgres.sh (run by
// make test) does for the throwaway cluster it starts.
const defaultTestDSN = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

func testDSN() string {
	if v := os.Getenv("LUNAS_TEST_POSTGRES_DSN"); v != "" {
		return v
	}
	return defaultTestDSN
}

// testDB is a schema of its own, with a random name, in the test database.
// It is dropped when the test ends. Its methods are safe for concurrent use.
type testDB struct {
	t      testing.TB
	schema string
	mu     sync.Mutex
	conn   *pgx.Conn
}

// newTestDB creates the schema. Without a reachable PostgreSQL the test is
// skipped, unless CI is set: in CI a missing database is a failure.
func newTestDB(t testing.TB) *testDB {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, testDSN())
	if err != nil {
		if ci := os.Getenv("CI"); ci == "" || ci == "false" || ci == "0" {
			t.Skipf("PostgreSQL is not reachable (%v): the sql plugin's tests need it; run them with "+
				"scripts/with-services.sh, which starts a throwaway cluster (apt-get install postgresql for the binaries), "+
				"or set LUNAS_TEST_POSTGRES_DSN. Under CI this fails.", err)
		}
		t.Fatalf("PostgreSQL is not reachable and CI is set: %v", err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	d := &testDB{t: t, schema: "lunas_sqltest_" + hex.EncodeToString(b), conn: conn}
	d.exec("CREATE SCHEMA " + d.schema)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+d.schema+" CASCADE"); err != nil {
			t.Errorf("drop test schema %s: %v", d.schema, err)
		}
		conn.Close(ctx)
	})
	return d
}

// exec runs sql, failing the test on error.
func (d *testDB) exec(sql string, args ...any) {
	d.t.Helper()
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, err := d.conn.Exec(context.Background(), sql, args...); err != nil {
		d.t.Fatalf("%s: %v", sql, err)
	}
}

// queryRow scans one row, failing the test on error.
func (d *testDB) queryRow(t testing.TB, sql string, args []any, dest ...any) {
	t.Helper()
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.conn.QueryRow(context.Background(), sql, args...).Scan(dest...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}
