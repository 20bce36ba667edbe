package twotower

import (
	"fmt"

	"github.com/moviegenie/pipeline/pkg/modelfile"
)

// Kind is the model-file kind of a two-tower model.
const Kind = "twotower"

// KindVersion is the version of the header and tensor layout below. Bump
// it whenever either changes, so that old files are refused with a clear
// message instead of being misread.
const KindVersion uint32 = 1

// Names of the data tensors a model file holds beside the parameters.
const (
	tensorMovieGenres  = "data.movie_genres"  // [N, G]
	tensorMovieText    = "data.movie_text"    // [N, T]
	tensorUserAffinity = "data.user_affinity" // [U, G]
)

// fileHeader is the JSON header of a model file: the configuration, the
// sizes, the vocabularies and the integer features of users and movies.
type fileHeader struct {
	Config Config `json:"config"`
	Sizes  Sizes  `json:"sizes"`
	// MovieIDs[n] is the MovieLens id of movie_idx n+1; MovieDecade its
	// decade_idx.
	MovieIDs    []int32 `json:"movie_ids"`
	MovieDecade []int32 `json:"movie_decade_idx"`
	// UserIDs[i] is the MovieLens id of user_idx i, and the rest its
	// categorical features.
	UserIDs        []int32 `json:"user_ids"`
	UserGender     []int32 `json:"user_gender_idx"`
	UserAgeBucket  []int32 `json:"user_age_bucket"`
	UserOccupation []int32 `json:"user_occupation_idx"`
	UserZipRegion  []int32 `json:"user_zip_region_idx"`
	// Occupations[i] is the name of occupation_idx i (u.occupation).
	Occupations []string `json:"occupations"`
}

// Save writes m, its vocabularies and the user and movie features it
// serves from to path atomically (pkg/modelfile: magic, versions, JSON
// header, tensors, SHA-256). The same model always gives the same bytes.
func (m *Model) Save(path string) error {
	if m.Users == nil || m.Movies == nil {
		return fmt.Errorf("save %s: model has no users or movies", path)
	}
	if err := m.Users.Check(m.Sizes); err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	if err := m.Movies.Check(m.Sizes); err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	if len(m.Occupations) != m.Sizes.Occupations {
		return fmt.Errorf("save %s: %d occupation names for %d occupations", path, len(m.Occupations), m.Sizes.Occupations)
	}
	us, mv, sz := m.Users, m.Movies, m.Sizes
	h := fileHeader{Config: m.Cfg, Sizes: sz, MovieIDs: mv.MovieIDs, MovieDecade: mv.Decade,
		UserIDs: us.UserIDs, UserGender: us.Gender, UserAgeBucket: us.AgeBucket, UserOccupation: us.Occupation,
		UserZipRegion: us.ZipRegion, Occupations: m.Occupations}
	ts := append(append(m.Emb.Tensors(), m.P.Tensors()...),
		modelfile.Tensor{Name: tensorMovieGenres, Shape: []int{sz.Movies, sz.Genres}, Data: mv.Genres},
		modelfile.Tensor{Name: tensorMovieText, Shape: []int{sz.Movies, sz.TextWidth}, Data: mv.Text},
		modelfile.Tensor{Name: tensorUserAffinity, Shape: []int{sz.Users, sz.Genres}, Data: us.Affinity},
	)
	return modelfile.Write(path, Kind, KindVersion, h, ts)
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
	if err := h.Config.Validate(); err != nil {
		return nil, fmt.Errorf("%s: bad config in header: %w", path, err)
	}
	if err := h.Sizes.Validate(); err != nil {
		return nil, fmt.Errorf("%s: bad sizes in header: %w", path, err)
	}
	sz := h.Sizes
	data := map[string][]float32{}
	var params, embs []modelfile.Tensor
	for _, t := range ts {
		switch t.Name {
		case tensorMovieGenres, tensorMovieText, tensorUserAffinity:
			want := map[string][]int{tensorMovieGenres: {sz.Movies, sz.Genres}, tensorMovieText: {sz.Movies, sz.TextWidth},
				tensorUserAffinity: {sz.Users, sz.Genres}}[t.Name]
			if len(t.Shape) != 2 || t.Shape[0] != want[0] || t.Shape[1] != want[1] {
				return nil, fmt.Errorf("%s: tensor %q has shape %v, header sizes want %v", path, t.Name, t.Shape, want)
			}
			if data[t.Name] != nil {
				return nil, fmt.Errorf("%s: tensor %q appears twice", path, t.Name)
			}
			data[t.Name] = t.Data
		case "user.id_emb", "movie.id_emb":
			embs = append(embs, t)
		default:
			params = append(params, t)
		}
	}
	for _, n := range []string{tensorMovieGenres, tensorMovieText, tensorUserAffinity} {
		if data[n] == nil {
			return nil, fmt.Errorf("%s: tensor %q missing", path, n)
		}
	}
	us := &Users{UserIDs: h.UserIDs, Gender: h.UserGender, AgeBucket: h.UserAgeBucket, Occupation: h.UserOccupation,
		ZipRegion: h.UserZipRegion, Affinity: data[tensorUserAffinity]}
	mv := &Movies{MovieIDs: h.MovieIDs, Genres: data[tensorMovieGenres], Decade: h.MovieDecade, Text: data[tensorMovieText]}
	if err := us.Check(sz); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := mv.Check(sz); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(h.Occupations) != sz.Occupations {
		return nil, fmt.Errorf("%s: header lists %d occupation names for %d occupations", path, len(h.Occupations), sz.Occupations)
	}
	if err := unique("movie id", h.MovieIDs); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := unique("user id", h.UserIDs); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	m := layout(h.Config, sz) // allocated by Load once the tensors match
	if err := m.Emb.Load(embs); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := m.P.Load(params); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	m.Users, m.Movies, m.Occupations = us, mv, h.Occupations
	return m, nil
}

func unique(what string, ids []int32) error {
	seen := make(map[int32]bool, len(ids))
	for i, id := range ids {
		if seen[id] {
			return fmt.Errorf("%s %d appears twice (index %d)", what, id, i)
		}
		seen[id] = true
	}
	return nil
}
