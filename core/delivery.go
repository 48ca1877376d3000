package core

import "time"

// Delivery is the audit record of one webhook request: who sent what and
// what Lunas answered. It never holds the signature, a secret or bank.meta.
type Delivery struct {
	Time        time.Time         `json:"time"`
	Webhook     string            `json:"webhook"`
	RemoteIP    string            `json:"remote_ip"`
	Headers     map[string]string `json:"headers,omitempty"`
	Status      int               `json:"status"`
	Verdict     string            `json:"verdict"` // "accepted", "bad_signature", "ip_not_allowed", ...
	Accepted    int               `json:"accepted"`
	Duplicates  int               `json:"duplicates"`
	MutationIDs []string          `json:"mutation_ids,omitempty"`
	Bytes       int               `json:"bytes"`
}

// Auditor keeps delivery records. Record must not block the webhook
// answer: implementations buffer and may drop under overload (and count it).
type Auditor interface {
	Record(d Delivery)
}
