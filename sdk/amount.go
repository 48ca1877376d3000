package sdk

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Amount is an exact money amount in hundredths of the currency unit
// (150123 rupiah is Amount(15012300)). It never passes through a float, so
// "150123.00", "150123" and 150123 all compare equal.
type Amount int64

// ErrAmount is returned (wrapped) by ParseAmount for text that is not an exact
// decimal amount with at most two significant fractional digits.
var ErrAmount = errors.New("invalid amount")

// Rupiah returns the amount of whole units n.
func Rupiah(n int64) Amount { return Amount(n * 100) }

// ParseAmount parses a decimal string such as "150123", "12111.00", "149.9"
// or "-5000". Fractional digits beyond the second must be zero.
func ParseAmount(s string) (Amount, error) {
	t := strings.TrimSpace(s)
	neg := false
	if strings.HasPrefix(t, "-") {
		neg, t = true, t[1:]
	} else if strings.HasPrefix(t, "+") {
		t = t[1:]
	}
	whole, frac, hasDot := strings.Cut(t, ".")
	if whole == "" && (!hasDot || frac == "") {
		return 0, fmt.Errorf("%w: %q", ErrAmount, s)
	}
	if whole == "" {
		whole = "0"
	}
	if !digits(whole) || (hasDot && !digits(frac)) || len(whole) > 16 {
		return 0, fmt.Errorf("%w: %q", ErrAmount, s)
	}
	frac = strings.TrimRight(frac, "0")
	if len(frac) > 2 {
		return 0, fmt.Errorf("%w: %q has more than two decimals", ErrAmount, s)
	}
	frac += strings.Repeat("0", 2-len(frac))
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: %q", ErrAmount, s)
	}
	f, _ := strconv.ParseInt(frac, 10, 64)
	a := Amount(w*100 + f)
	if neg {
		a = -a
	}
	return a, nil
}

func digits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// String formats the amount as a plain decimal: "150123" when it is whole,
// otherwise with two decimals ("12111.50").
func (a Amount) String() string {
	sign := ""
	if a < 0 {
		sign, a = "-", -a
	}
	if a%100 == 0 {
		return sign + strconv.FormatInt(int64(a/100), 10)
	}
	return fmt.Sprintf("%s%d.%02d", sign, a/100, a%100)
}

// Whole reports the amount in whole units and whether it had no fraction.
func (a Amount) Whole() (int64, bool) { return int64(a / 100), a%100 == 0 }

// MarshalJSON writes the amount as an exact JSON number (150123, 12111.5).
func (a Amount) MarshalJSON() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalJSON accepts a JSON number or a string holding a decimal.
func (a *Amount) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	if strings.HasPrefix(s, `"`) {
		u, err := strconv.Unquote(s)
		if err != nil {
			return fmt.Errorf("%w: %s", ErrAmount, s)
		}
		s = u
	}
	// JSON numbers may use an exponent; amounts never legitimately do.
	if strings.ContainsAny(s, "eE") {
		return fmt.Errorf("%w: %s uses an exponent", ErrAmount, s)
	}
	v, err := ParseAmount(s)
	if err != nil {
		return err
	}
	*a = v
	return nil
}
