package main

import (
	"fmt"

	"github.com/jackc/pgx/v5"
)

// queries holds the SQL text built once from validated, quoted identifiers.
// Values from webhooks and the core are never part of it: they are always
// bind parameters.
type queries struct {
	// find: $1 open statuses (text[]), $2 since, $3 amount (decimal text), $4 limit.
	find string
	// lock: $1 order id. Reads one order and locks its row until the transaction ends.
	lock string
	// pay: $1 paid status, $2 paid_by, $3 order id. Only touches an unpaid row.
	pay string
	// probe checks that the table, the columns and the types fit, without reading a row.
	probe string
	// probePay plans (does not run) the update, which checks write permission.
	probePay string
}

// maxOrders bounds one FindOpenOrders answer: far more than exact-amount
// candidates ever are, and small enough to stay cheap.
const maxOrders = 200

func buildQueries(table pgx.Identifier, c Columns) queries {
	q := func(name string) string { return pgx.Identifier{name}.Sanitize() }
	t := table.Sanitize()
	id, number, status, amount := q(c.ID), q(c.Number), q(c.Status), q(c.Amount)
	currency, created, paidBy := q(c.Currency), q(c.CreatedAt), q(c.PaidBy)

	// Every column is read as text (or timestamptz) so that integer ids,
	// enum statuses and numeric amounts all arrive in one exact shape. An
	// optional column the table does not have is read as ''.
	optional := func(name string) string {
		if name == "" {
			return "''::text"
		}
		return fmt.Sprintf("coalesce(%s::text, '')", q(name))
	}
	cols := fmt.Sprintf("%s::text, coalesce(%s::text, %s::text), %s::text, %s::text, coalesce(%s::text, ''), %s::timestamptz, coalesce(%s::text, ''), %s, %s, %s",
		id, number, id, status, amount, currency, created, paidBy, optional(c.BankID), optional(c.VANumber), optional(c.PaymentRef))
	unpaid := fmt.Sprintf("coalesce(%s::text, '') = ''", paidBy)
	where := fmt.Sprintf("%s::text = ANY($1::text[]) AND %s >= $2 AND %s = $3::numeric AND %s", status, created, amount, unpaid)
	return queries{
		find:     fmt.Sprintf("SELECT %s FROM %s WHERE %s ORDER BY %s, %s LIMIT $4", cols, t, where, created, id),
		lock:     fmt.Sprintf("SELECT %s FROM %s WHERE %s = $1 FOR UPDATE", cols, t, id),
		pay:      fmt.Sprintf("UPDATE %s SET %s = $1, %s = $2 WHERE %s = $3 AND %s", t, status, paidBy, id, unpaid),
		probe:    fmt.Sprintf("SELECT %s FROM %s WHERE %s LIMIT 0", cols, t, where),
		probePay: fmt.Sprintf("EXPLAIN UPDATE %s SET %s = $1, %s = $2 WHERE %s = $3 AND %s", t, status, paidBy, id, unpaid),
	}
}
