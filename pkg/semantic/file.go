package semantic

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"sort"

	"github.com/moviegenie/pipeline/pkg/modelfile"
	"github.com/moviegenie/pipeline/pkg/textembed"
)

// File layout: a pkg/modelfile file (magic, format version, length, kind,
// JSON header, float32 tensors, SHA-256 trailer) of kind FileKind.
const (
	// FileKind is the modelfile kind of a search index.
	FileKind = "semantic"
	// FileVersion is the version of the header and tensors below. Bump it
	// whenever either changes.
	FileVersion uint32 = 1
)

// fileHeader is the JSON header of an index file. Tensors:
//
//	embeddings          [movies, dim]   text embedding of each movie
//	popularity          [movies]        in [0, 1]
//	title_idf           [title vocabulary]
//	neighbour_weights   [neighbour pairs]   aligned with Neighbours, flattened
//	encoder_idf         [encoder vocabulary]
//	encoder_projection  [encoder vocabulary, dim]
type fileHeader struct {
	Config Config      `json:"config"` // params the index was built with
	Stats  Stats       `json:"stats"`
	Genres []string    `json:"genres"` // by genre id
	Movies []fileMovie `json:"movies"` // by movie id

	TitleVocabulary []string  `json:"title_vocabulary"` // sorted
	Trigrams        []string  `json:"trigrams"`         // sorted, padded (see trigrams)
	TrigramTokens   [][]int32 `json:"trigram_tokens"`   // per trigram: title vocabulary ids

	EncoderTokenizer  string   `json:"encoder_tokenizer"`
	EncoderVocabulary []string `json:"encoder_vocabulary"`
	Dim               int      `json:"dim"`

	// Neighbours[i] are movie i's co-occurrence neighbours (positions in
	// Movies), best first.
	Neighbours [][]int32 `json:"neighbours"`
}

type fileMovie struct {
	ID         int32   `json:"id"`
	Title      string  `json:"title"`
	CleanTitle string  `json:"clean_title"`
	Year       int     `json:"year,omitempty"`
	Genres     []int   `json:"genres"` // genre ids
	Tokens     []int32 `json:"tokens"` // title vocabulary ids, in title order
}

// Save writes the index to path atomically.
func (ix *Index) Save(path string) error {
	encVocab, encIDF, encProj := ix.enc.Arrays()
	h := fileHeader{
		Config: ix.cfg, Stats: ix.stats, Genres: ix.genres,
		TitleVocabulary: ix.vocab, Trigrams: ix.gramKeys, TrigramTokens: ix.gramToks,
		EncoderTokenizer: textembed.TokenizerVersion, EncoderVocabulary: encVocab, Dim: ix.dim,
	}
	for i, m := range ix.movies {
		fm := fileMovie{ID: m.ID, Title: m.Title, CleanTitle: m.CleanTitle, Year: m.Year, Genres: []int{}, Tokens: ix.movieToks[i]}
		for g := range ix.genres {
			if ix.mask[i]&(1<<g) != 0 {
				fm.Genres = append(fm.Genres, g)
			}
		}
		h.Movies = append(h.Movies, fm)
		h.Neighbours = append(h.Neighbours, ix.nbrIdx[ix.nbrOff[i]:ix.nbrOff[i+1]])
	}
	n := len(ix.movies)
	return modelfile.Write(path, FileKind, FileVersion, h, []modelfile.Tensor{
		{Name: "embeddings", Shape: []int{n, ix.dim}, Data: ix.emb},
		{Name: "popularity", Shape: []int{n}, Data: ix.pop},
		{Name: "title_idf", Shape: []int{len(ix.vocab)}, Data: ix.tokIDF},
		{Name: "neighbour_weights", Shape: []int{len(ix.nbrW)}, Data: ix.nbrW},
		{Name: "encoder_idf", Shape: []int{len(encIDF)}, Data: encIDF},
		{Name: "encoder_projection", Shape: []int{len(encVocab), ix.dim}, Data: encProj},
	})
}

// Load reads an index written by Save. A missing, truncated, altered or
// foreign file, or one of another version, gives an error naming path and
// saying what to do (errors wrap the pkg/modelfile sentinels); so does a
// file whose parts disagree.
func Load(path string) (*Index, error) {
	var h fileHeader
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("search index %s does not exist: build it with `make models/semantic.bin` (%w)", path, err)
	}
	ts, err := modelfile.Read(path, FileKind, FileVersion, &h)
	if err != nil {
		return nil, fmt.Errorf("load search index: %w (rebuild it with make models/semantic.bin)", err)
	}
	ix, err := fromFile(&h, ts)
	if err != nil {
		return nil, fmt.Errorf("load search index %s: %w (rebuild it with make models/semantic.bin)", path, err)
	}
	return ix, nil
}

func fromFile(h *fileHeader, ts []modelfile.Tensor) (*Index, error) {
	if err := h.Config.Validate(); err != nil {
		return nil, fmt.Errorf("stored config: %w", err)
	}
	n, v, g := len(h.Movies), len(h.TitleVocabulary), len(h.Genres)
	if n == 0 || g == 0 || g > 64 || h.Dim < 1 {
		return nil, fmt.Errorf("header has %d movies, %d genres and dimension %d", n, g, h.Dim)
	}
	tensor := func(name string, shape ...int) ([]float32, error) {
		for _, t := range ts {
			if t.Name != name {
				continue
			}
			if fmt.Sprint(t.Shape) != fmt.Sprint(shape) {
				return nil, fmt.Errorf("tensor %s has shape %v, want %v", name, t.Shape, shape)
			}
			for i, x := range t.Data {
				if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
					return nil, fmt.Errorf("tensor %s: value %d is %v", name, i, x)
				}
			}
			return t.Data, nil
		}
		return nil, fmt.Errorf("tensor %s is missing", name)
	}
	ix := &Index{cfg: h.Config, stats: h.Stats, genres: h.Genres, dim: h.Dim}
	var err error
	if ix.emb, err = tensor("embeddings", n, h.Dim); err != nil {
		return nil, err
	}
	if ix.pop, err = tensor("popularity", n); err != nil {
		return nil, err
	}
	if ix.tokIDF, err = tensor("title_idf", v); err != nil {
		return nil, err
	}
	if !sort.StringsAreSorted(h.TitleVocabulary) {
		return nil, fmt.Errorf("title vocabulary is not sorted")
	}
	ix.vocab = h.TitleVocabulary
	ids := func(what string, xs []int32, limit int) error {
		for _, x := range xs {
			if x < 0 || int(x) >= limit {
				return fmt.Errorf("%s: id %d out of range 0..%d", what, x, limit-1)
			}
		}
		return nil
	}
	ix.movies = make([]Movie, n)
	ix.mask = make([]uint64, n)
	ix.movieToks = make([][]int32, n)
	for i, fm := range h.Movies {
		if i > 0 && fm.ID <= h.Movies[i-1].ID {
			return nil, fmt.Errorf("movies are not in increasing id order at %d", fm.ID)
		}
		m := Movie{ID: fm.ID, Title: fm.Title, CleanTitle: fm.CleanTitle, Year: fm.Year}
		for _, gi := range fm.Genres {
			if gi < 0 || gi >= g {
				return nil, fmt.Errorf("movie %d: genre id %d out of range", fm.ID, gi)
			}
			m.Genres = append(m.Genres, h.Genres[gi])
			ix.mask[i] |= 1 << gi
		}
		if err := ids(fmt.Sprintf("movie %d tokens", fm.ID), fm.Tokens, v); err != nil {
			return nil, err
		}
		ix.movies[i] = m
		ix.movieToks[i] = fm.Tokens
	}
	if len(h.Trigrams) != len(h.TrigramTokens) || !sort.StringsAreSorted(h.Trigrams) {
		return nil, fmt.Errorf("%d trigrams but %d posting lists, or trigrams not sorted", len(h.Trigrams), len(h.TrigramTokens))
	}
	for i, p := range h.TrigramTokens {
		if err := ids("trigram "+fmt.Sprintf("%q", h.Trigrams[i]), p, v); err != nil {
			return nil, err
		}
	}
	ix.gramKeys, ix.gramToks = h.Trigrams, h.TrigramTokens
	if len(h.Neighbours) != n {
		return nil, fmt.Errorf("%d neighbour lists for %d movies", len(h.Neighbours), n)
	}
	ix.nbrOff = make([]int32, 1, n+1)
	for i, nb := range h.Neighbours {
		if err := ids(fmt.Sprintf("movie %d neighbours", h.Movies[i].ID), nb, n); err != nil {
			return nil, err
		}
		ix.nbrIdx = append(ix.nbrIdx, nb...)
		ix.nbrOff = append(ix.nbrOff, int32(len(ix.nbrIdx)))
	}
	if ix.nbrW, err = tensor("neighbour_weights", len(ix.nbrIdx)); err != nil {
		return nil, err
	}
	ev := len(h.EncoderVocabulary)
	encIDF, err := tensor("encoder_idf", ev)
	if err != nil {
		return nil, err
	}
	encProj, err := tensor("encoder_projection", ev, h.Dim)
	if err != nil {
		return nil, err
	}
	if ix.enc, err = textembed.FromArrays(h.EncoderTokenizer, h.EncoderVocabulary, encIDF, encProj, h.Dim); err != nil {
		return nil, err
	}
	if err := ix.finish(); err != nil {
		return nil, err
	}
	return ix, nil
}
