package twotower

import (
	"fmt"
	"math/rand/v2"

	"github.com/moviegenie/pipeline/pkg/nn"
)

// Letters used throughout the package (llm.c style):
//
//	U  = users (user_idx 0..U-1; row U of the user-id table is "unknown user")
//	N  = movies (row n of every movie table is movie_idx n+1)
//	B  = pairs in a batch (rows of both towers)
//	E  = id-embedding width (Config.EmbeddingDim)
//	F  = feature-embedding width (Config.FeatureDim)
//	G  = genres (from genres.parquet: 19 for ML-100K, 20 for ML-25M)
//	T  = text-embedding width (from text_embeddings.parquet)
//	P  = projected text width (Config.TextDim)
//	CU = user-tower input width  E + 4F + G (E + G without demographics)
//	CI = movie-tower input width E + G + F + P
//	D  = vector width, the last layer of both MLPs

// Category counts of the user and movie features.
type Sizes struct {
	Users       int `json:"users"`       // U
	Movies      int `json:"movies"`      // N
	Genres      int `json:"genres"`      // G
	TextWidth   int `json:"text_width"`  // T
	Genders     int `json:"genders"`     // gender_idx 0..Genders-1
	AgeBuckets  int `json:"age_buckets"` // age_bucket 0..AgeBuckets-1
	Occupations int `json:"occupations"` // occupation_idx 0..Occupations-1
	ZipRegions  int `json:"zip_regions"` // zip_region_idx 0..ZipRegions-1
	Decades     int `json:"decades"`     // decade_idx 0..Decades-1
	// NoDemographics is set when the data has no user demographics
	// (every release but ML-100K and ML-1M): the user tower then has no
	// gender, age, occupation or zip-region embeddings, and a cold-start
	// query needs a history.
	NoDemographics bool `json:"no_demographics,omitempty"`
}

// Validate reports a size that cannot make a model.
func (s Sizes) Validate() error {
	for _, f := range []struct {
		name string
		v    int
	}{{"users", s.Users}, {"movies", s.Movies}, {"genres", s.Genres}, {"text_width", s.TextWidth},
		{"genders", s.Genders}, {"age_buckets", s.AgeBuckets}, {"occupations", s.Occupations},
		{"zip_regions", s.ZipRegions}, {"decades", s.Decades}} {
		if s.NoDemographics && (f.name == "genders" || f.name == "age_buckets" || f.name == "occupations" || f.name == "zip_regions") {
			continue
		}
		if f.v < 1 {
			return fmt.Errorf("model sizes: %s = %d, want >= 1", f.name, f.v)
		}
	}
	return nil
}

// Model is a two-tower network: its configuration, sizes and parameters.
// The parameters live in two flat buffers (nn.Params): Emb holds the two
// id-embedding tables, which a step touches only a few rows of, and P
// everything else; the optimiser updates the first row by row (see
// Config.LazyEmbeddings).
type Model struct {
	Cfg   Config
	Sizes Sizes
	P     *nn.Params // dense parameters
	Emb   *nn.Params // id-embedding tables

	// Users and Movies are the inputs the model was trained with (the
	// known users' features, the catalogue's features). The model file
	// keeps them, so that a loaded model serves known users, cold-start
	// users and every movie on its own.
	Users  *Users
	Movies *Movies
	// Occupations are the occupation names by occupation_idx (the
	// vocabulary of a cold-start query).
	Occupations []string

	userEmb   *nn.Param // [U+1, E] in Emb; row U is the unknown (cold-start) user
	movieEmb  *nn.Param // [N, E] in Emb
	genderEmb *nn.Param // [Genders, F]; this and the next three nil under Sizes.NoDemographics
	ageEmb    *nn.Param // [AgeBuckets, F]
	occEmb    *nn.Param // [Occupations, F]
	zipEmb    *nn.Param // [ZipRegions, F]
	decadeEmb *nn.Param // [Decades, F]
	textW     *nn.Param // [T, P] text projection (no bias: the next layer has one)
	itemBias  *nn.Param // [N] learned movie bias, nil unless Cfg.ItemBias
	user      mlp
	item      mlp

	share   [4][]float32 // Users.Shares of gender, age, occupation, zip; computed on first use
	meanAff []float32    // Users.MeanAffinity, computed on first use
	infer   *inferState  // buffers of the inference functions
}

// mlp is a stack of linear layers, ReLU and dropout between them; its
// output (the last layer, no activation) is L2-normalised.
type mlp struct {
	in     int         // input width
	widths []int       // output width of every layer
	w, b   []*nn.Param // [in_l, widths[l]], [widths[l]]
}

// CU is the user-tower input width.
func (m *Model) CU() int { return m.Cfg.EmbeddingDim + m.demoWidth() + m.Sizes.Genres }

// demoWidth is the width of the demographic block of the user tower's
// input: 4F, or 0 when the data has none.
func (m *Model) demoWidth() int {
	if m.Sizes.NoDemographics {
		return 0
	}
	return 4 * m.Cfg.FeatureDim
}

// CI is the movie-tower input width.
func (m *Model) CI() int {
	return m.Cfg.EmbeddingDim + m.Sizes.Genres + m.Cfg.FeatureDim + m.Cfg.TextDim
}

// NewModel declares and allocates the parameters of a model and
// initialises them from cfg.Seed: embeddings from N(0, init_std²), linear
// weights Xavier-uniform, biases zero. It panics on an invalid cfg or
// sizes (validate first).
func NewModel(cfg Config, sz Sizes) *Model {
	m := declare(cfg, sz)
	rng := rand.New(rand.NewPCG(uint64(cfg.Seed), 0x74776f74)) // "twot"
	std := float32(cfg.InitStd)
	for _, p := range []*nn.Param{m.userEmb, m.genderEmb, m.ageEmb, m.occEmb, m.zipEmb, m.movieEmb, m.decadeEmb} {
		if p != nil {
			nn.InitNormal(p.W, std, rng)
		}
	}
	nn.InitXavier(m.textW.W, sz.TextWidth, cfg.TextDim, rng)
	for _, t := range []*mlp{&m.user, &m.item} {
		in := t.in
		for l, w := range t.widths {
			nn.InitXavier(t.w[l].W, in, w, rng)
			in = w
		}
	}
	return m
}

// New returns a freshly initialised model (NewModel) for the given users
// and movies, with sizes taken from them and the fixed category counts.
// It checks the inputs against the sizes.
func New(cfg Config, us *Users, mv *Movies, sz Sizes) (*Model, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := sz.Validate(); err != nil {
		return nil, err
	}
	if err := us.Check(sz); err != nil {
		return nil, err
	}
	if err := mv.Check(sz); err != nil {
		return nil, err
	}
	m := NewModel(cfg, sz)
	m.Users, m.Movies = us, mv
	return m, nil
}

// shares returns the share of the known users in each category of user
// feature k (0 gender, 1 age bucket, 2 occupation, 3 zip region).
func (m *Model) shares(k int) []float32 {
	if m.share[k] == nil {
		if m.Users == nil {
			panic("twotower: no known users to weigh the categories of a feature a query leaves out")
		}
		us, sz := m.Users, m.Sizes
		vals := [4][]int32{us.Gender, us.AgeBucket, us.Occupation, us.ZipRegion}[k]
		n := [4]int{sz.Genders, sz.AgeBuckets, sz.Occupations, sz.ZipRegions}[k]
		m.share[k] = Shares(vals, n)
	}
	return m.share[k]
}

// declare builds the parameter layout (allocated, zero).
func declare(cfg Config, sz Sizes) *Model {
	m := layout(cfg, sz)
	m.Emb.Alloc()
	m.P.Alloc()
	return m
}

// layout declares the parameters without allocating them: Load checks a
// file's tensors against it first.
func layout(cfg Config, sz Sizes) *Model {
	if err := cfg.Validate(); err != nil {
		panic("twotower: " + err.Error())
	}
	if err := sz.Validate(); err != nil {
		panic("twotower: " + err.Error())
	}
	E, F := cfg.EmbeddingDim, cfg.FeatureDim
	p, emb := nn.NewParams(), nn.NewParams()
	m := &Model{Cfg: cfg, Sizes: sz, P: p, Emb: emb}
	m.userEmb = emb.Add("user.id_emb", sz.Users+1, E)
	m.movieEmb = emb.Add("movie.id_emb", sz.Movies, E)
	if !sz.NoDemographics {
		m.genderEmb = p.Add("user.gender_emb", sz.Genders, F)
		m.ageEmb = p.Add("user.age_emb", sz.AgeBuckets, F)
		m.occEmb = p.Add("user.occupation_emb", sz.Occupations, F)
		m.zipEmb = p.Add("user.zip_emb", sz.ZipRegions, F)
	}
	m.decadeEmb = p.Add("movie.decade_emb", sz.Decades, F)
	m.textW = p.Add("movie.text_proj.w", sz.TextWidth, cfg.TextDim)
	if cfg.ItemBias {
		m.itemBias = p.Add("movie.bias", sz.Movies)
		m.itemBias.NoDecay = true
	}
	m.user = addMLP(p, "user.mlp", m.CU(), cfg.UserLayers)
	m.item = addMLP(p, "movie.mlp", m.CI(), cfg.ItemLayers)
	return m
}

func addMLP(p *nn.Params, prefix string, in int, widths []int) mlp {
	t := mlp{in: in, widths: append([]int(nil), widths...)}
	for l, w := range widths {
		t.w = append(t.w, p.Add(fmt.Sprintf("%s.%d.w", prefix, l), in, w))
		b := p.Add(fmt.Sprintf("%s.%d.b", prefix, l), w)
		b.NoDecay = true
		t.b = append(t.b, b)
		in = w
	}
	return t
}

// UnknownUser is the row of the user-id table that stands for a user the
// model has no id embedding for.
func (m *Model) UnknownUser() int32 { return int32(m.Sizes.Users) }
