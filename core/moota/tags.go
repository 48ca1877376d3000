package moota

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/lunas-dev/lunas/sdk"
)

// maxCachedTags bounds the memory of known tag names: write-back makes one
// tag per order, so the set grows with the shop. Past the bound the cache
// starts again, which costs one listing per name.
const maxCachedTags = 10000

// tagCache remembers the names of tags known to exist in Moota, with
// their ids. Names are only added after Moota listed or created them, and
// dropped when an attach says one is gone.
type tagCache struct {
	mu  sync.Mutex
	ids map[string]string
	// ensure serialises listing and creating, so that two workers paying
	// two orders do not both create the same tag.
	ensure sync.Mutex
}

func (t *tagCache) missing(names []string) []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []string
	for _, n := range names {
		if _, ok := t.ids[n]; !ok {
			out = append(out, n)
		}
	}
	return out
}

func (t *tagCache) remember(name, id string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.ids == nil || len(t.ids) >= maxCachedTags {
		t.ids = make(map[string]string)
	}
	t.ids[name] = id
}

func (t *tagCache) forget(names []string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, n := range names {
		delete(t.ids, n)
	}
}

// tagItem is a tag as GET and POST /tagging answer it.
type tagItem struct {
	Name string          `json:"name"`
	ID   json.RawMessage `json:"tag_id"`
}

// tagList is the answer of GET /tagging: {"error":false,"tagging":[...]}
// (moota-php-sdk tests/Mocking/Tagging/MockListTaggingResponse.json). A
// paginator's "data" is read too.
type tagList struct {
	Tagging []tagItem `json:"tagging"`
	Data    []tagItem `json:"data"`
}

// Tag attaches tags to a mutation (POST /tagging/mutation/{id}). Moota
// attaches only tags the user already has: an unknown name is refused with
// 422 "Data tidak ditemukan". So, as Moota's official WordPress plugin does
// (moota-co/moota-wordpress src/Concerns/MootaPayment.php: createTag before
// attachMutationTag), the tags are listed and the missing ones created
// first; names seen are cached. When the attach still says "Data tidak
// ditemukan" (a tag deleted in the dashboard since it was cached), the
// tags are checked again and the attach repeated once. A tag the mutation
// already has stays once, so a retry is harmless.
//
// Errors: a 422 that remains after the tags were confirmed is permanent
// (the mutation is not Moota's), unless a tag was only just created, when
// it is retryable; other errors are classified as every call's.
func (c *Client) Tag(ctx context.Context, mutationID string, tags []string) error {
	if strings.TrimSpace(mutationID) == "" {
		return sdk.Permanentf("moota: tag: a mutation id is required")
	}
	var names []string
	for _, t := range tags {
		if t = strings.TrimSpace(t); t != "" && !slices.Contains(names, t) {
			names = append(names, t)
		}
	}
	if len(names) == 0 {
		return nil
	}
	if _, err := c.ensureTags(ctx, names); err != nil {
		return err
	}
	err := c.attach(ctx, mutationID, names)
	if !isDataNotFound(err) {
		return err
	}
	c.tags.forget(names)
	created, err := c.ensureTags(ctx, names)
	if err != nil {
		return err
	}
	err = c.attach(ctx, mutationID, names)
	if !isDataNotFound(err) {
		return err
	}
	if created {
		// Moota may not see a tag made a moment ago yet: try again later.
		return sdk.Retryable(err, 0)
	}
	return sdk.Permanentf("%v (the tags %s exist, so Moota does not know mutation %s)", err, strings.Join(names, ", "), mutationID)
}

func (c *Client) attach(ctx context.Context, mutationID string, names []string) error {
	return c.call(ctx, "POST", "/tagging/mutation/"+url.PathEscape(mutationID), nil, map[string][]string{"name": names}, nil)
}

// ensureTags makes every name a tag the user has: names not cached are
// looked up (GET /tagging?tag=a,b, the filter moota-php-sdk's getTaggings
// sends; the answer is filtered here too, in case the server ignores it)
// and those Moota lacks are created (POST /tagging {"name": ...}). It
// reports whether it created any.
func (c *Client) ensureTags(ctx context.Context, names []string) (created bool, err error) {
	if len(c.tags.missing(names)) == 0 {
		return false, nil
	}
	c.tags.ensure.Lock()
	defer c.tags.ensure.Unlock()
	missing := c.tags.missing(names) // another call may have made them meanwhile
	if len(missing) == 0 {
		return false, nil
	}
	if err := c.lookupTags(ctx, missing); err != nil {
		return false, err
	}
	for _, name := range c.tags.missing(missing) {
		if err := c.createTag(ctx, name); err != nil {
			return created, err
		}
		created = true
	}
	return created, nil
}

// lookupTags lists the user's tags named names and caches those that exist.
func (c *Client) lookupTags(ctx context.Context, names []string) error {
	var list tagList
	if err := c.call(ctx, "GET", "/tagging", url.Values{"tag": {strings.Join(names, ",")}}, nil, &list); err != nil {
		return err
	}
	for _, t := range append(list.Tagging, list.Data...) {
		if slices.Contains(names, t.Name) {
			c.tags.remember(t.Name, idText(t.ID))
		}
	}
	return nil
}

// createTag creates one tag. Moota answers {"error":false,"tagging":{name,
// tag_id}} (moota-php-sdk tests/Mocking/Tagging/MockSuccessStoreTaggingResponse.json),
// and 422 for a name it will not take. A 422 may also mean that the tag
// came into being meanwhile (made by Moota's own plugin or another Lunas):
// the tags are listed again, and only a name still missing is an error,
// a permanent one: Moota refuses the name itself.
func (c *Client) createTag(ctx context.Context, name string) error {
	var out struct {
		Tagging tagItem `json:"tagging"`
	}
	err := c.call(ctx, "POST", "/tagging", nil, map[string]string{"name": name}, &out)
	if err == nil {
		c.tags.remember(name, idText(out.Tagging.ID))
		return nil
	}
	var e *answerError
	if !errors.As(err, &e) || e.status != 422 {
		return err
	}
	if lerr := c.lookupTags(ctx, []string{name}); lerr != nil {
		return lerr
	}
	if len(c.tags.missing([]string{name})) == 0 {
		return nil
	}
	return sdk.Permanentf("%v (Moota will not create a tag named %q)", err, name)
}
