package woo

import (
	"strconv"
	"strings"
)

// The order meta Moota's official WooCommerce plugin writes at checkout
// (moota-co/moota-wordpress src/Contracts/MootaTransaction.php, request):
// the account the customer was shown, the order's own virtual account
// number, and the tag its webhook handler matches a mutation by
// (src/Contracts/MootaWebhook.php, WooCommerceHandler).
const (
	metaMootaBankID      = "moota_bank_id"      // the Moota bank_id (channel) chosen at checkout
	metaMootaVANumber    = "moota_va_number"    // virtual account orders: the VA Moota issued
	metaMootaMutationTag = "moota_mutation_tag" // "{bank_id}.{total}" (transfer) or "moota_{va}_{total}" (VA)
	metaMootaQRISTag     = "moota_qris_tag"     // QRIS orders: "moota_qris{total}"
)

// mootaFacts reads the payment facts of an order placed through Moota's
// plugin: the account it expects, its VA number and the reference Moota's
// checkout knows it by. An order without Moota's meta has none.
func (o *wcOrder) mootaFacts() (bankID, vaNumber, ref string) {
	bankID = strings.TrimSpace(o.metaString(metaMootaBankID))
	vaNumber = strings.TrimSpace(o.metaString(metaMootaVANumber))
	tag := strings.TrimSpace(o.metaString(metaMootaMutationTag))
	switch {
	case tag == "":
	case strings.HasPrefix(tag, "moota_"):
		// "moota_{va}_{total}": the VA number, when its own meta is missing.
		if rest := strings.TrimPrefix(tag, "moota_"); vaNumber == "" {
			if i := strings.LastIndexByte(rest, '_'); i > 0 {
				vaNumber = rest[:i]
			}
		}
	default:
		// "{bank_id}.{total}": the account, when its own meta is missing.
		if i := strings.IndexByte(tag, '.'); bankID == "" && i > 0 {
			bankID = tag[:i]
		}
	}
	if bankID == "" && vaNumber == "" && o.metaString(metaMootaQRISTag) == "" {
		return "", "", ""
	}
	return bankID, vaNumber, o.mootaCheckoutRef()
}

// mootaCheckoutRef is the order_id Moota's plugin gave Moota's checkout
// when it created the payment (MootaTransaction.php: "moota-va#{id}",
// "moota-qris#{id}", "moota-bank-transfer#{id}" by gateway; gateway ids
// from src/Woocommerce/VirtualAccount/BaseVirtualAccount.php, QRIS/QRISGateway.php
// and BankTransfer/BaseBankTransfer.php), which a mutation of that checkout
// carries as payment_detail.order_id; "" for another gateway.
func (o *wcOrder) mootaCheckoutRef() string {
	id := strconv.FormatInt(o.ID, 10)
	pm := o.PaymentMethod
	switch {
	case pm == "moota_qris_gateway":
		return "moota-qris#" + id
	case strings.HasPrefix(pm, "moota_") && strings.HasSuffix(pm, "_virtual"):
		return "moota-va#" + id
	case strings.HasPrefix(pm, "moota_") && strings.HasSuffix(pm, "_transfer"):
		return "moota-bank-transfer#" + id
	}
	return ""
}
