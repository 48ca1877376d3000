package moota

import (
	"context"
	"net/url"
	"strings"

	"github.com/lunas-dev/lunas/sdk"
)

// AddNote sets the note of a mutation (POST /mutation/{id}/note). Moota
// replaces the note, so sending the same note again changes nothing.
func (c *Client) AddNote(ctx context.Context, mutationID, note string) error {
	if strings.TrimSpace(mutationID) == "" {
		return sdk.Permanentf("moota: add note: a mutation id is required")
	}
	return c.call(ctx, "POST", "/mutation/"+url.PathEscape(mutationID)+"/note", nil, map[string]string{"note": note}, nil)
}
