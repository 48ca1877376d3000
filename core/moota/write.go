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

// Tag attaches tags to a mutation (POST /tagging/mutation/{id}). A tag the
// mutation already has stays once.
func (c *Client) Tag(ctx context.Context, mutationID string, tags []string) error {
	if strings.TrimSpace(mutationID) == "" {
		return sdk.Permanentf("moota: tag: a mutation id is required")
	}
	if len(tags) == 0 {
		return nil
	}
	return c.call(ctx, "POST", "/tagging/mutation/"+url.PathEscape(mutationID), nil, map[string][]string{"name": tags}, nil)
}
