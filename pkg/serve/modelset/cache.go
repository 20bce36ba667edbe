package modelset

import (
	"sync"

	"github.com/moviegenie/pipeline/pkg/semantic"
)

// searchCacheSize bounds the search answers a Set keeps.
const searchCacheSize = 4096

// searchCache keeps the answers of searches without a user blend: a
// search is a pure function of the query, k and the Set's index and
// weights, and people repeat popular queries. It belongs to one Set, so
// a reload starts afresh. When full, the oldest entry goes (FIFO).
type searchCache struct {
	mu    sync.Mutex
	m     map[searchKey]*semantic.Response
	order []searchKey
	next  int
	hits  int64
	miss  int64
}

type searchKey struct {
	q string
	k int
}

func (c *searchCache) get(q string, k int) (*semantic.Response, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.m[searchKey{q, k}]
	if ok {
		c.hits++
	} else {
		c.miss++
	}
	return r, ok
}

func (c *searchCache) put(q string, k int, r *semantic.Response) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = make(map[searchKey]*semantic.Response, searchCacheSize)
		c.order = make([]searchKey, searchCacheSize)
	}
	key := searchKey{q, k}
	if _, ok := c.m[key]; ok {
		return
	}
	if old := c.order[c.next]; len(c.m) == searchCacheSize {
		delete(c.m, old)
	}
	c.order[c.next] = key
	c.next = (c.next + 1) % searchCacheSize
	c.m[key] = r
}

// SearchCacheStats returns the search cache's hits and misses.
func (s *Set) SearchCacheStats() (hits, misses int64) {
	s.searches.mu.Lock()
	defer s.searches.mu.Unlock()
	return s.searches.hits, s.searches.miss
}
