package customstore

import (
	"encoding/json"
	"fmt"

	"github.com/lunas-dev/lunas/sdk"
)

// Money is an exact amount in hundredths of the currency unit. It reads a
// JSON number or decimal string and writes a decimal string with two
// decimals ("150123.00"), as the contract asks.
type Money int64

// Rupiah returns n whole units.
func Rupiah(n int64) Money { return Money(n * 100) }

// ParseMoney parses a decimal string such as "150123" or "150123.00".
func ParseMoney(s string) (Money, error) {
	a, err := sdk.ParseAmount(s)
	return Money(a), err
}

// String formats m with two decimals.
func (m Money) String() string {
	sign := ""
	if m < 0 {
		sign, m = "-", -m
	}
	return fmt.Sprintf("%s%d.%02d", sign, m/100, m%100)
}

// MarshalJSON writes m as a decimal string.
func (m Money) MarshalJSON() ([]byte, error) { return json.Marshal(m.String()) }

// UnmarshalJSON accepts a JSON number or a decimal string.
func (m *Money) UnmarshalJSON(b []byte) error {
	var a sdk.Amount
	if err := a.UnmarshalJSON(b); err != nil {
		return err
	}
	*m = Money(a)
	return nil
}
