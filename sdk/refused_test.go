package sdk

import "testing"

func TestRefused(t *testing.T) {
	a := Refused("cancelled", "order %s is %s", "1042", "cancelled")
	if a.Outcome != OutcomeRefused || a.Status != "cancelled" || a.Reason != "order 1042 is cancelled" {
		t.Errorf("Refused = %+v", a)
	}
	r := ReverseRefused("completed", "order %s is %s", "1042", "completed")
	if r.Outcome != OutcomeRefused || r.Status != "completed" || r.Reason != "order 1042 is completed" {
		t.Errorf("ReverseRefused = %+v", r)
	}
}
