package bert4rec

import (
	"fmt"

	"github.com/moviegenie/pipeline/pkg/modelfile"
)

// Kind is the model-file kind of a BERT4Rec model.
const Kind = "bert4rec"

// KindVersion is the version of the header and tensor layout below. Bump
// it whenever either changes, so that old files are refused with a clear
// message instead of being misread.
const KindVersion uint32 = 1

// fileHeader is the JSON header of a model file.
type fileHeader struct {
	Config Config `json:"config"`
	// Items is V; MovieIDs[i] is the MovieLens movie id of movie_idx i+1
	// (0 is padding, V+1 the [MASK] token).
	Items    int     `json:"items"`
	MovieIDs []int32 `json:"movie_ids"`
}

// Save writes m and its vocabulary (m.MovieIDs) to path atomically
// (pkg/modelfile: magic, versions, JSON header, tensors, SHA-256). The
// same model always gives the same bytes.
func (m *Model) Save(path string) error {
	if len(m.MovieIDs) != m.V {
		return fmt.Errorf("save %s: model has %d items but a vocabulary of %d movie ids", path, m.V, len(m.MovieIDs))
	}
	h := fileHeader{Config: m.Cfg, Items: m.V, MovieIDs: m.MovieIDs}
	return modelfile.Write(path, Kind, KindVersion, h, m.P.Tensors())
}

// Load reads a model written by Save. A file that is not a model file, is
// truncated, altered, of another kind or version, or whose header and
// tensors disagree is an error saying so.
func Load(path string) (*Model, error) {
	var h fileHeader
	ts, err := modelfile.Read(path, Kind, KindVersion, &h)
	if err != nil {
		return nil, err
	}
	if h.Config.ScoreMasks == 0 {
		h.Config.ScoreMasks = 1 // written before score_masks existed
	}
	if err := h.Config.Validate(); err != nil {
		return nil, fmt.Errorf("%s: bad config in header: %w", path, err)
	}
	if h.Items < 1 || len(h.MovieIDs) != h.Items {
		return nil, fmt.Errorf("%s: header says %d items but lists %d movie ids", path, h.Items, len(h.MovieIDs))
	}
	seen := make(map[int32]bool, len(h.MovieIDs))
	for i, id := range h.MovieIDs {
		if seen[id] {
			return nil, fmt.Errorf("%s: movie id %d appears twice in the vocabulary (movie_idx %d)", path, id, i+1)
		}
		seen[id] = true
	}
	if h.Config.MaxLen < 2 {
		return nil, fmt.Errorf("%s: header has max_len %d: a saved model has its sequence length, at least 2", path, h.Config.MaxLen)
	}
	// Each layer has its own tensors: more layers than tensors is a lie,
	// caught before the layer table is made.
	if h.Config.NumLayers > len(ts) {
		return nil, fmt.Errorf("%s: header says %d layers, the file has %d tensors", path, h.Config.NumLayers, len(ts))
	}
	m := layout(h.Config, h.Items) // allocated by Load once the tensors match
	if err := m.P.Load(ts); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	m.MovieIDs = h.MovieIDs
	return m, nil
}
