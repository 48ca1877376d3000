package fakewoo

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// dateLayout is how WooCommerce writes dates: no zone; *_gmt fields are UTC,
// the others in the site's timezone.
const dateLayout = "2006-01-02T15:04:05"

func (s *Server) local(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.In(s.loc).Format(dateLayout)
}

func gmt(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(dateLayout)
}

// renderOrder is the order as the v3 API returns it (the fields a client
// may use, and a few it should ignore).
func (s *Server) renderOrder(o *Order) map[string]any {
	meta := make([]map[string]any, len(o.Meta))
	for i, m := range o.Meta {
		meta[i] = map[string]any{"id": m.ID, "key": m.Key, "value": m.Value}
	}
	return map[string]any{
		"id": o.ID, "parent_id": 0, "number": o.Number, "order_key": "wc_order_" + strconv.FormatInt(o.ID*7919, 36),
		"created_via": "checkout", "version": "9.8.5", "status": o.Status, "currency": o.Currency, "currency_symbol": "Rp",
		"date_created": s.local(o.Created), "date_created_gmt": gmt(o.Created),
		"date_modified": s.local(o.Modified), "date_modified_gmt": gmt(o.Modified),
		"discount_total": "0.00", "shipping_total": "0.00", "total": o.Total, "total_tax": "0.00",
		"prices_include_tax": false, "customer_id": 0, "customer_note": "",
		"billing":              map[string]any{"first_name": o.Customer, "country": "ID"},
		"payment_method":       o.PaymentMethod,
		"payment_method_title": paymentTitle(o.PaymentMethod),
		"transaction_id":       o.TransactionID,
		"date_paid":            s.local(o.DatePaid), "date_paid_gmt": gmt(o.DatePaid),
		"date_completed": s.local(o.DateCompleted), "date_completed_gmt": gmt(o.DateCompleted),
		"meta_data":        meta,
		"needs_payment":    needsPayment(o),
		"needs_processing": !o.Virtual,
		"is_editable":      o.Status == "pending" || o.Status == "on-hold" || o.Status == "auto-draft",
	}
}

func paymentTitle(id string) string {
	switch id {
	case "bacs":
		return "Direct bank transfer"
	case "cheque":
		return "Check payments"
	case "cod":
		return "Cash on delivery"
	}
	return id
}

// fieldFilter is WordPress's _fields parameter: top-level names to keep (a
// nested name such as "meta_data.key" keeps the whole top-level field); nil
// keeps everything.
type fieldFilter []string

func fieldsOf(r *http.Request) fieldFilter {
	spec := r.URL.Query().Get("_fields")
	if spec == "" {
		return nil
	}
	var f fieldFilter
	for _, name := range strings.Split(spec, ",") {
		top, _, _ := strings.Cut(strings.TrimSpace(name), ".")
		f = append(f, top)
	}
	return f
}

func (f fieldFilter) apply(v map[string]any) map[string]any {
	if f == nil {
		return v
	}
	out := make(map[string]any, len(f))
	for _, name := range f {
		if val, ok := v[name]; ok {
			out[name] = val
		}
	}
	return out
}

func (s *Server) renderNote(n Note) map[string]any {
	return map[string]any{
		"id": n.ID, "author": n.Author, "date_created": s.local(n.Created), "date_created_gmt": gmt(n.Created), "note": n.Note, "customer_note": n.CustomerNote,
	}
}
