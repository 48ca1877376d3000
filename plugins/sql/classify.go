package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/lunas-dev/lunas/sdk"
)

// classify turns a database failure into a classified error. The core's
// cancellation passes through; errors that a retry cannot fix (a missing
// table or column, a refused login, a value the column cannot hold) are
// permanent and say which setting to look at; everything else (network,
// restarts, deadlocks, serialization failures) is retryable.
func classify(ctx context.Context, op string, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return fmt.Errorf("%s: %w", op, ctxErr)
	}
	var classified *sdk.Error
	if errors.As(err, &classified) {
		return err
	}
	var pg *pgconn.PgError
	if !errors.As(err, &pg) {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("%s: %w", op, err)
		}
		return sdk.Retryable(fmt.Errorf("%s: %w", op, err), 0)
	}
	msg := fmt.Errorf("%s: %s (SQLSTATE %s)", op, pg.Message, pg.Code)
	class := pg.Code
	if len(class) > 2 {
		class = class[:2]
	}
	switch {
	case class == "28":
		return sdk.Permanent(fmt.Errorf("%w: check the user and password in settings.dsn", msg))
	case class == "3D" || class == "3F":
		return sdk.Permanent(fmt.Errorf("%w: check the database in settings.dsn and the schema in settings.table", msg))
	case pg.Code == "42501":
		return sdk.Permanent(fmt.Errorf("%w: grant the settings.dsn user SELECT and UPDATE on the table", msg))
	case class == "42":
		return sdk.Permanent(fmt.Errorf("%w: check settings.table and settings.columns against the table", msg))
	case class == "22" || class == "23":
		return sdk.Permanent(msg)
	}
	return sdk.Retryable(msg, 0)
}

// notAnID reports whether err says the id is not even a value of the id
// column's type (an order id "abc" for a bigint column): no such order.
func notAnID(err error) bool {
	var pg *pgconn.PgError
	if !errors.As(err, &pg) {
		return false
	}
	// 22P02 invalid_text_representation, 22003 numeric_value_out_of_range.
	return pg.Code == "22P02" || pg.Code == "22003"
}
