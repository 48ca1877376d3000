package core

import (
	"fmt"
	"strconv"
)

// MaxIDLen is the longest mutation_id or bank_id Lunas accepts, in bytes.
// Moota's ids are about a dozen characters; the bound keeps Redis keys,
// log lines and the review table small.
const MaxIDLen = 128

// ValidID reports whether s may be a mutation_id or bank_id: 1 to
// MaxIDLen bytes of ASCII letters, digits, '.', '_' and '-'. Ids become
// Redis keys, task ids, URL path segments, shell arguments and table cells,
// so nothing that could mean something in any of those is let in: no ':'
// (the key separator), no space or control character, no quote, no
// non-ASCII (no U+2028, no look-alike letters).
func ValidID(s string) bool {
	if len(s) == 0 || len(s) > MaxIDLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// idProblem says why id is not a ValidID, for a 400 answer. The id itself
// is shown only quoted and cut short: it may hold escape sequences.
func idProblem(field, id string) string {
	if len(id) > MaxIDLen {
		return field + " is " + strconv.Itoa(len(id)) + " bytes long; at most " + strconv.Itoa(MaxIDLen) + " are allowed"
	}
	return fmt.Sprintf("%s %+q may hold only letters, digits, '.', '_' and '-'", field, truncate(id, 40))
}
