package ops

import (
	"testing"
	"time"

	"github.com/lunas-dev/lunas/sdk"
)

func TestRupiah(t *testing.T) {
	for name, tc := range map[string]struct {
		in   sdk.Amount
		want string
	}{
		"zero":             {0, "Rp 0"},
		"hundreds":         {sdk.Rupiah(500), "Rp 500"},
		"thousands":        {sdk.Rupiah(150123), "Rp 150.123"},
		"exact thousand":   {sdk.Rupiah(1000), "Rp 1.000"},
		"millions":         {sdk.Rupiah(12345678), "Rp 12.345.678"},
		"cents":            {14990, "Rp 149,90"},
		"one cent":         {100001, "Rp 1.000,01"},
		"negative":         {-sdk.Rupiah(275000), "-Rp 275.000"},
		"negative w cents": {-15050, "-Rp 150,50"},
	} {
		t.Run(name, func(t *testing.T) {
			if got := rupiah(tc.in); got != tc.want {
				t.Fatalf("rupiah(%d) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestWIBCarriesItsZone(t *testing.T) {
	at := time.Date(2025, 1, 15, 4, 2, 40, 0, time.UTC)
	if got, want := wib(at), "15 Jan 2025, 11:02:40 WIB (UTC+07:00)"; got != want {
		t.Fatalf("wib = %q, want %q", got, want)
	}
	if got := wib(time.Time{}); got != "—" {
		t.Fatalf("wib(zero) = %q, want a dash", got)
	}
}

func TestStartOfDayIsJakartaMidnight(t *testing.T) {
	// 18:30 UTC on the 14th is already 01:30 on the 15th in Jakarta.
	got := startOfDay(time.Date(2025, 1, 14, 18, 30, 0, 0, time.UTC))
	if want := time.Date(2025, 1, 14, 17, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Fatalf("startOfDay = %s, want %s", got.UTC(), want)
	}
}
