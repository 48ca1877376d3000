package sdk

import (
	"encoding/json"
	"testing"
)

func TestParseAmount(t *testing.T) {
	tests := []struct {
		in   string
		want Amount
		err  bool
	}{
		{"150123", 15012300, false},
		{"150123.00", 15012300, false},
		{"12111.5", 1211150, false},
		{"149.9", 14990, false},
		{"0.01", 1, false},
		{".5", 50, false},
		{"-5000", -500000, false},
		{"10.000", 1000, false},
		{"10.001", 0, true},
		{"", 0, true},
		{"1,000", 0, true},
		{"1e3", 0, true},
		{"abc", 0, true},
		{"12345678901234567", 0, true},
	}
	for _, tt := range tests {
		got, err := ParseAmount(tt.in)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("ParseAmount(%q) = %d, %v; want %d, err=%v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestAmountJSON(t *testing.T) {
	for in, want := range map[string]string{`150123`: "150123", `"10000"`: "10000", `"12111.00"`: "12111", `3799460.89`: "3799460.89"} {
		var a Amount
		if err := json.Unmarshal([]byte(in), &a); err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		if a.String() != want {
			t.Errorf("%s -> %s, want %s", in, a, want)
		}
		out, _ := json.Marshal(a)
		if string(out) != want {
			t.Errorf("marshal %s = %s", a, out)
		}
	}
	var a Amount
	if err := json.Unmarshal([]byte(`1.5e3`), &a); err == nil {
		t.Error("accepted an exponent")
	}
}
