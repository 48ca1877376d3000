package fakemoota

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/lunas-dev/lunas/sdk"
)

// jakarta is Moota's time zone; dates are written in it.
var jakarta = time.FixedZone("WIB", 7*60*60)

// Bank is a bank account of the Moota user.
type Bank struct {
	ID            string            // bank_id, e.g. "4Aqz9OmvWPV". Required.
	Type          string            // bank_type; default "bca"
	Label         string            // default "Rekening <ID>"
	Holder        string            // atas_nama; default "TOKO LUNAS"
	AccountNumber string            // default "1234567890"
	Meta          map[string]string // internet-banking session data Moota keeps (never to be logged)
}

// Mutation is a mutation to seed. Zero values mean the defaults.
type Mutation struct {
	ID            string     // mutation_id; default a generated hashid-like id
	BankID        string     // required; an unknown bank is added
	AccountNumber string     // default the bank's
	Type          string     // "CR" (default) or "DB"
	Amount        sdk.Amount // sent as "150123.00"
	Balance       sdk.Amount
	Description   string
	Note          string
	Date          time.Time // bank date; default now. Written in Asia/Jakarta.
	Tags          []string  // attached tags; the user gets any tag not yet known
	Token         string    // token; default the mutation id, as Moota sends it
	BankType      string    // bank.bank_type; default the bank's ("bcaVA" for a virtual account)
	// CheckoutOrderID, when set, is sent as payment_detail.order_id, as on a
	// payment made through Moota's checkout (the order id the store gave it,
	// "moota-va#1042"; read by moota-wordpress src/Contracts/MootaWebhook.php).
	CheckoutOrderID string
}

// mutation is a stored mutation: its JSON fields plus what the API changes.
type mutation struct {
	id, bankID, typ string
	day             string // YYYY-MM-DD of its date, for the date filters
	at              string // its full date, for ordering
	seq             int
	fields          map[string]json.RawMessage
	note            *string
	tags            []string
}

// AddBank adds (or replaces) a bank account.
func (s *Server) AddBank(b Bank) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addBank(b)
}

func (s *Server) addBank(b Bank) *Bank {
	if b.ID == "" {
		panic("fakemoota: a bank needs an ID")
	}
	if b.Type == "" {
		b.Type = "bca"
	}
	if b.Label == "" {
		b.Label = "Rekening " + b.ID
	}
	if b.Holder == "" {
		b.Holder = "TOKO LUNAS"
	}
	if b.AccountNumber == "" {
		b.AccountNumber = "1234567890"
	}
	for i, old := range s.banks {
		if old.ID == b.ID {
			s.banks[i] = &b
			return &b
		}
	}
	s.banks = append(s.banks, &b)
	return &b
}

func (s *Server) bank(id string) *Bank {
	for _, b := range s.banks {
		if b.ID == id {
			return b
		}
	}
	return nil
}

// AddMutation seeds a mutation as Moota's scraper would record it and
// returns it with its defaults filled in.
func (s *Server) AddMutation(m Mutation) Mutation {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m.BankID == "" {
		panic("fakemoota: a mutation needs a BankID")
	}
	b := s.bank(m.BankID)
	if b == nil {
		b = s.addBank(Bank{ID: m.BankID})
	}
	s.seq++
	if m.ID == "" {
		m.ID = fmt.Sprintf("fm%09dX", s.seq)
	}
	if m.Type == "" {
		m.Type = "CR"
	}
	if m.AccountNumber == "" {
		m.AccountNumber = b.AccountNumber
	}
	if m.Date.IsZero() {
		m.Date = time.Now()
	}
	date := m.Date.In(jakarta).Format(time.DateTime)
	created := time.Now().In(jakarta).Format(time.DateTime)
	f := map[string]json.RawMessage{}
	set := func(k string, v any) { f[k], _ = json.Marshal(v) }
	if m.Token == "" {
		m.Token = m.ID
	}
	set("mutation_id", m.ID)
	set("token", m.Token)
	set("bank_id", m.BankID)
	set("account_number", m.AccountNumber)
	set("date", date)
	set("created_at", created)
	set("updated_at", created)
	set("description", m.Description)
	set("amount", decimal(m.Amount))
	set("balance", decimal(m.Balance))
	set("type", m.Type)
	if m.CheckoutOrderID != "" {
		set("payment_detail", map[string]string{"order_id": m.CheckoutOrderID})
	}
	bank := bankObject(b)
	if m.BankType != "" {
		bank["bank_type"] = m.BankType
	}
	set("bank", bank)
	for _, t := range m.Tags {
		s.addTag(t)
	}
	st := &mutation{id: m.ID, bankID: m.BankID, typ: m.Type, day: date[:10], at: date, seq: s.seq, fields: f,
		tags: slices.Clone(m.Tags)}
	if m.Note != "" {
		st.note = &m.Note
	}
	s.store(st)
	return m
}

// AddRawMutation seeds a mutation object exactly as given (it must have
// mutation_id, bank_id, type and date); only note and taggings change
// when the API writes them.
func (s *Server) AddRawMutation(raw json.RawMessage) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var f map[string]json.RawMessage
	if err := json.Unmarshal(raw, &f); err != nil {
		panic("fakemoota: a raw mutation must be a JSON object: " + err.Error())
	}
	str := func(k string) string {
		var v string
		_ = json.Unmarshal(f[k], &v)
		return v
	}
	s.seq++
	st := &mutation{id: str("mutation_id"), bankID: str("bank_id"), typ: strings.ToUpper(str("type")), at: str("date"), seq: s.seq, fields: f}
	if st.id == "" || st.bankID == "" || len(st.at) < 10 {
		panic("fakemoota: a raw mutation needs string mutation_id, bank_id and date")
	}
	st.day = st.at[:10]
	if s.bank(st.bankID) == nil {
		s.addBank(Bank{ID: st.bankID})
	}
	if _, ok := f["note"]; ok {
		n := str("note")
		st.note = &n
	}
	s.store(st)
}

func (s *Server) store(m *mutation) {
	if _, dup := s.byID[m.id]; dup {
		panic("fakemoota: mutation " + m.id + " already exists")
	}
	s.byID[m.id] = m
	s.mutations = append(s.mutations, m)
}

// Notes returns the note of a mutation ("" when it has none). Moota keeps
// one note per mutation; writing it replaces it.
func (s *Server) Notes(mutationID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m := s.byID[mutationID]; m != nil && m.note != nil {
		return *m.note
	}
	return ""
}

// Tags returns the tag names attached to a mutation, in the order attached.
func (s *Server) Tags(mutationID string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m := s.byID[mutationID]; m != nil {
		return slices.Clone(m.tags)
	}
	return nil
}

// object renders the mutation as the list endpoint returns it.
func (m *mutation) object() map[string]json.RawMessage {
	out := make(map[string]json.RawMessage, len(m.fields)+2)
	for k, v := range m.fields {
		out[k] = v
	}
	if m.note != nil {
		out["note"], _ = json.Marshal(*m.note)
	} else if _, ok := out["note"]; !ok {
		out["note"] = json.RawMessage("null")
	}
	tags := make([]Tag, 0, len(m.tags))
	for _, t := range m.tags {
		tags = append(tags, Tag{Name: t, ID: tagID(t)})
	}
	out["taggings"], _ = json.Marshal(tags)
	return out
}

// bankObject is a bank account as Moota embeds and lists it.
func bankObject(b *Bank) map[string]any {
	o := map[string]any{
		"bank_id": b.ID, "bank_type": b.Type, "label": b.Label, "atas_nama": b.Holder,
		"account_number": b.AccountNumber, "username": "lunas", "balance": "0.00", "is_active": true,
		"interval_refresh": 15, "corporate_id": nil, "icon": "https://app.moota.co/images/icon-" + b.Type + ".png",
	}
	if b.Meta != nil {
		o["meta"] = b.Meta
	}
	return o
}

// decimal writes an amount the way Moota's list endpoints do: "150123.00".
func decimal(a sdk.Amount) string {
	sign := ""
	if a < 0 {
		sign, a = "-", -a
	}
	return fmt.Sprintf("%s%d.%02d", sign, a/100, a%100)
}

// tagID is a stable hashid-like id for a tag name.
func tagID(name string) string {
	h := uint32(2166136261)
	for i := 0; i < len(name); i++ {
		h = (h ^ uint32(name[i])) * 16777619
	}
	return fmt.Sprintf("tg%08x", h)
}
