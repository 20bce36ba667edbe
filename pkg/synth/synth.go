package synth

import (
	"bufio"
	"cmp"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/moviegenie/pipeline/pkg/movielens"
)

// Config says what to write.
type Config struct {
	// Format is ml-25m (the csv releases' layout), ml-1m or ml-100k.
	Format                 string
	Ratings, Users, Movies int
	Seed                   uint64
	Out                    string
}

// Formats lists the formats Write knows.
var Formats = []string{movielens.ML25M, movielens.ML1M, movielens.ML100K}

// Limits keep a config from exhausting memory or disk by mistake.
const (
	MaxRatings = 200_000_000
	MaxUsers   = 10_000_000
	MaxMovies  = 2_000_000
	MinPerUser = 20 // as in the releases
)

// Summary is what Write wrote.
type Summary struct {
	Files   []string `json:"files"`
	Ratings int      `json:"ratings"`
	Users   int      `json:"users"`
	Movies  int      `json:"movies"`
	Tags    int      `json:"tags"`
}

// Validate checks c; every message names the flag.
func (c Config) Validate() error {
	switch {
	case !slices.Contains(Formats, c.Format):
		return fmt.Errorf("--format %q: want one of %s", c.Format, strings.Join(Formats, ", "))
	case c.Movies < 1 || c.Movies > MaxMovies:
		return fmt.Errorf("--movies %d: want 1..%d", c.Movies, MaxMovies)
	case c.Users < 1 || c.Users > MaxUsers:
		return fmt.Errorf("--users %d: want 1..%d", c.Users, MaxUsers)
	case c.Ratings < 1 || c.Ratings > MaxRatings:
		return fmt.Errorf("--ratings %d: want 1..%d", c.Ratings, MaxRatings)
	case c.Ratings < c.Users*min(MinPerUser, c.Movies):
		return fmt.Errorf("--ratings %d: want at least %d per user (%d users)", c.Ratings, min(MinPerUser, c.Movies), c.Users)
	case c.Ratings > c.Users*c.Movies/2:
		return fmt.Errorf("--ratings %d: at most half of users x movies (%d) fit without repeats", c.Ratings, c.Users*c.Movies/2)
	case c.Out == "":
		return errors.New("--out: want a directory")
	}
	return nil
}

// Write writes the dataset into c.Out (replaced as a whole: the files are
// written into a temporary directory renamed into place).
func Write(c Config) (*Summary, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	g := newGen(c)
	sum := &Summary{Ratings: c.Ratings, Users: c.Users, Movies: c.Movies}
	parent := filepath.Dir(filepath.Clean(c.Out))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(c.Out)+".tmp-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	if err := os.Chmod(tmp, 0o755); err != nil {
		return nil, err
	}
	create := func(name string, fill func(w *bufio.Writer) error) error {
		f, err := os.Create(filepath.Join(tmp, name))
		if err != nil {
			return err
		}
		w := bufio.NewWriterSize(f, 1<<20)
		err = fill(w)
		if err == nil {
			err = w.Flush()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("write %s: %w", name, err)
		}
		sum.Files = append(sum.Files, name)
		return nil
	}
	switch c.Format {
	case movielens.ML25M:
		err = errors.Join(
			create("movies.csv", g.moviesCSV),
			create("links.csv", g.linksCSV),
			create("ratings.csv", g.ratings(',')),
			create("tags.csv", func(w *bufio.Writer) error { n, err := g.tagsCSV(w); sum.Tags = n; return err }),
		)
	case movielens.ML1M:
		err = errors.Join(
			create("movies.dat", g.moviesDat),
			create("users.dat", g.usersDat),
			create("ratings.dat", g.ratings(':', ':')),
		)
	case movielens.ML100K:
		err = errors.Join(
			create("u.genre", g.uGenre),
			create("u.occupation", g.uOccupation),
			create("u.item", g.uItem),
			create("u.user", g.uUser),
			create("u.data", g.ratings('\t')),
		)
	}
	if err != nil {
		return nil, err
	}
	if err := os.RemoveAll(c.Out); err != nil {
		return nil, err
	}
	if err := os.Rename(tmp, c.Out); err != nil {
		return nil, err
	}
	return sum, nil
}

// gen holds the generated catalogue and population.
type gen struct {
	c        Config
	rng      *rand.Rand
	ids      []int32 // movie ids, ascending
	titles   []string
	genres   [][]string
	quality  []float64 // per movie, mean rating offset
	cdf      []float64 // popularity CDF over movie indices
	perUser  []int     // ratings per user
	genreSet []string
}

var (
	genres25 = []string{"Action", "Adventure", "Animation", "Children", "Comedy", "Crime", "Documentary", "Drama", "Fantasy",
		"Film-Noir", "Horror", "IMAX", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War", "Western"}
	genres1m = []string{"Action", "Adventure", "Animation", "Children's", "Comedy", "Crime", "Documentary", "Drama", "Fantasy",
		"Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War", "Western"}
	genres100k = append([]string{"unknown"}, genres1m...)
	words      = []string{"Star", "Night", "River", "Secret", "Last", "Summer", "Ghost", "City", "Love", "War", "Dream",
		"Shadow", "Heart", "Journey", "Storm", "Island", "King", "Queen", "Space", "Time", "Fire", "Ice", "Garden",
		"Road", "Song", "Dark", "Golden", "Lost", "Wild", "Silent", "Blue", "Red", "Moon", "Sun", "House", "Game"}
	// Non-ASCII words; the first ones are ISO-8859-1, the rest only UTF-8.
	latinWords = []string{"Amélie", "Café", "Niño", "Über", "Façade", "Köln", "Señor", "Søren", "Åsa", "Crème", "Mañana", "Déjà"}
	utf8Words  = []string{"Łódź", "Şeytan", "Ōkami", "Дом", "Čas", "Ærø"}
	tagWords   = []string{"space", "time travel", "dark comedy", "based on a book", "twist ending", "visually appealing",
		"atmospheric", "sci-fi", "classic", "funny", "thought-provoking", "romance", "dystopia", "superhero",
		`"cult" classic`, "slow, but beautiful", "Oscar (Best Picture)", "nonlinear", "aliens", "robots"}
	// The ML-100K occupations (u.occupation).
	occupations100k = []string{"administrator", "artist", "doctor", "educator", "engineer", "entertainment", "executive",
		"healthcare", "homemaker", "lawyer", "librarian", "marketing", "none", "other", "programmer", "retired",
		"salesman", "scientist", "student", "technician", "writer"}
)

// First and last rating times (Unix seconds) per format, as in the releases.
func (g *gen) timeRange() (int64, int64) {
	switch g.c.Format {
	case movielens.ML100K:
		return 874724710, 893286638
	case movielens.ML1M:
		return 956703932, 1046454590
	}
	return 789652004, 1574327703
}

func newGen(c Config) *gen {
	g := &gen{c: c, rng: rand.New(rand.NewPCG(c.Seed, 0x6d6f7669656c656e))}
	switch c.Format {
	case movielens.ML25M:
		g.genreSet = genres25
	case movielens.ML1M:
		g.genreSet = genres1m
	default:
		g.genreSet = genres100k
	}
	// Movie ids: ascending with gaps in the csv releases (ids there skip).
	id := int32(0)
	for range c.Movies {
		id++
		if c.Format == movielens.ML25M && g.rng.IntN(4) == 0 {
			id += int32(g.rng.IntN(3))
		}
		g.ids = append(g.ids, id)
	}
	for i := range c.Movies {
		g.titles = append(g.titles, g.title(i))
		g.genres = append(g.genres, g.pickGenres())
		g.quality = append(g.quality, g.rng.NormFloat64()*0.6)
	}
	// Zipf popularity over a random order of movies: weight 1/rank^s.
	order := g.rng.Perm(c.Movies)
	w := make([]float64, c.Movies)
	for rank, m := range order {
		w[m] = 1 / math.Pow(float64(rank+1)+2, 0.95)
	}
	g.cdf = make([]float64, c.Movies)
	total := 0.0
	for i, x := range w {
		total += x
		g.cdf[i] = total
	}
	for i := range g.cdf {
		g.cdf[i] /= total
	}
	g.perUser = g.activity()
	return g
}

// activity draws each user's number of ratings: log-normal, at least
// MinPerUser (or every movie), at most half the movies, summing to
// c.Ratings.
func (g *gen) activity() []int {
	c := g.c
	lo, hi := min(MinPerUser, c.Movies), max(min(MinPerUser, c.Movies), c.Movies/2)
	raw := make([]float64, c.Users)
	sum := 0.0
	for i := range raw {
		raw[i] = math.Exp(g.rng.NormFloat64() * 1.1)
		sum += raw[i]
	}
	extra := float64(c.Ratings - lo*c.Users)
	n := make([]int, c.Users)
	got := 0
	for i := range n {
		n[i] = min(hi, lo+int(raw[i]/sum*extra))
		got += n[i]
	}
	// Hand out the rounding remainder (or take back) one at a time.
	for i := 0; got != c.Ratings; i = (i + 1) % c.Users {
		switch {
		case got < c.Ratings && n[i] < hi:
			n[i]++
			got++
		case got > c.Ratings && n[i] > lo:
			n[i]--
			got--
		}
	}
	return n
}

func (g *gen) title(i int) string {
	r := g.rng
	var t string
	switch k := r.IntN(20); {
	case k < 2: // "Good, the Bad and the Ugly, The"
		t = words[r.IntN(len(words))] + ", the " + words[r.IntN(len(words))] + " and the " + words[r.IntN(len(words))] + ", The"
	case k < 3:
		t = `"` + words[r.IntN(len(words))] + `" ` + words[r.IntN(len(words))]
	case k < 5:
		nonASCII := latinWords
		if g.c.Format == movielens.ML25M {
			nonASCII = append(slices.Clone(latinWords), utf8Words...)
		}
		t = nonASCII[r.IntN(len(nonASCII))] + " " + words[r.IntN(len(words))]
	case k < 6:
		t = words[r.IntN(len(words))] + ": " + words[r.IntN(len(words))] + " " + strconv.Itoa(2+r.IntN(3))
	default:
		t = words[r.IntN(len(words))] + " " + words[r.IntN(len(words))]
	}
	t += fmt.Sprintf(" #%d", i+1) // unique titles
	if g.c.Format == movielens.ML25M && r.IntN(200) == 0 {
		return t // a few csv-release titles have no year
	}
	return fmt.Sprintf("%s (%d)", t, 1920+r.IntN(100))
}

func (g *gen) pickGenres() []string {
	r := g.rng
	if g.c.Format == movielens.ML25M && r.IntN(50) == 0 {
		return nil // (no genres listed)
	}
	k := 1 + r.IntN(3)
	idx := r.Perm(len(g.genreSet))[:k]
	if g.c.Format == movielens.ML100K {
		idx = slices.DeleteFunc(idx, func(i int) bool { return i == 0 && k > 1 })
	}
	slices.Sort(idx)
	out := make([]string, len(idx))
	for j, i := range idx {
		out[j] = g.genreSet[i]
	}
	return out
}

type event struct {
	movie  int32 // index
	rating float32
	ts     int64
}

// ratings returns a writer of the ratings file with fields separated by
// sep ("::" is two ':' runes), users in id order.
func (g *gen) ratings(sep ...rune) func(w *bufio.Writer) error {
	return func(w *bufio.Writer) error {
		rng := rand.New(rand.NewPCG(g.c.Seed, 0x72617465))
		first, last := g.timeRange()
		stamp := make([]int32, len(g.ids))
		var evs []event
		var buf []byte
		half := g.c.Format == movielens.ML25M
		if g.c.Format == movielens.ML25M {
			if _, err := w.WriteString("userId,movieId,rating,timestamp\n"); err != nil {
				return err
			}
		}
		for u, n := range g.perUser {
			bias := rng.NormFloat64() * 0.5
			evs = evs[:0]
			for len(evs) < n {
				m := g.pickWith(rng)
				if stamp[m] == int32(u+1) {
					continue
				}
				stamp[m] = int32(u + 1)
				x := 3.5 + g.quality[m] + bias + rng.NormFloat64()*0.8
				var v float64
				if half {
					v = math.Round(x*2) / 2
					v = max(0.5, min(5, v))
				} else {
					v = max(1, min(5, math.Round(x)))
				}
				evs = append(evs, event{movie: int32(m), rating: float32(v)})
			}
			// Sessions: bursts seconds apart, days to months between them.
			span := float64(last - first)
			t := first + int64(rng.Float64()*span*0.8)
			for i := range evs {
				if i > 0 {
					if rng.IntN(8) == 0 {
						t += int64(rng.ExpFloat64() * 20 * 86400)
					} else {
						t += 5 + int64(rng.IntN(120))
					}
				}
				evs[i].ts = min(t, last)
			}
			if g.c.Format == movielens.ML25M {
				slices.SortFunc(evs, func(a, b event) int { return cmp.Compare(a.movie, b.movie) })
			}
			for _, e := range evs {
				buf = buf[:0]
				buf = strconv.AppendInt(buf, int64(u+1), 10)
				buf = append(buf, string(sep)...)
				buf = strconv.AppendInt(buf, int64(g.ids[e.movie]), 10)
				buf = append(buf, string(sep)...)
				if half {
					buf = strconv.AppendFloat(buf, float64(e.rating), 'f', 1, 32)
				} else {
					buf = strconv.AppendInt(buf, int64(e.rating), 10)
				}
				buf = append(buf, string(sep)...)
				buf = strconv.AppendInt(buf, e.ts, 10)
				buf = append(buf, '\n')
				if _, err := w.Write(buf); err != nil {
					return err
				}
			}
		}
		return nil
	}
}

// pickWith draws a movie index by popularity.
func (g *gen) pickWith(r *rand.Rand) int {
	i, _ := slices.BinarySearch(g.cdf, r.Float64())
	return min(i, len(g.cdf)-1)
}

// csvField quotes s when it holds a comma, quote or newline (RFC 4180).
func csvField(s string) string {
	if !strings.ContainsAny(s, ",\"\n") {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

func (g *gen) genreField(i int) string {
	if len(g.genres[i]) == 0 {
		return movielens.NoGenres
	}
	return strings.Join(g.genres[i], "|")
}

func (g *gen) moviesCSV(w *bufio.Writer) error {
	fmt.Fprintln(w, "movieId,title,genres")
	for i, id := range g.ids {
		fmt.Fprintf(w, "%d,%s,%s\n", id, csvField(g.titles[i]), g.genreField(i))
	}
	return nil
}

func (g *gen) linksCSV(w *bufio.Writer) error {
	fmt.Fprintln(w, "movieId,imdbId,tmdbId")
	for i, id := range g.ids {
		tmdb := strconv.Itoa(1000 + 7*i)
		if i%97 == 13 {
			tmdb = "" // links.csv leaves some tmdbId empty
		}
		fmt.Fprintf(w, "%d,%07d,%s\n", id, 100000+3*i, tmdb)
	}
	return nil
}

// tagsCSV writes about one tag per 40 ratings, by users on popular movies.
func (g *gen) tagsCSV(w *bufio.Writer) (int, error) {
	rng := rand.New(rand.NewPCG(g.c.Seed, 0x74616773))
	first, last := g.timeRange()
	fmt.Fprintln(w, "userId,movieId,tag,timestamp")
	n := g.c.Ratings / 40
	for range n {
		u := 1 + rng.IntN(g.c.Users)
		m := g.pickWith(rng)
		tag := tagWords[(m+rng.IntN(3))%len(tagWords)]
		if rng.IntN(10) == 0 {
			tag = strings.ToUpper(tag[:1]) + tag[1:] // same tag, other case
		}
		fmt.Fprintf(w, "%d,%d,%s,%d\n", u, g.ids[m], csvField(tag), first+rng.Int64N(last-first))
	}
	return n, nil
}

// latin1 encodes s as ISO-8859-1 (every rune of the titles fits).
func latin1(s string) []byte {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		if r > 0xff {
			r = '?'
		}
		b = append(b, byte(r))
	}
	return b
}

func (g *gen) moviesDat(w *bufio.Writer) error {
	for i, id := range g.ids {
		fmt.Fprintf(w, "%d::", id)
		w.Write(latin1(g.titles[i]))
		fmt.Fprintf(w, "::%s\n", strings.Join(g.genres[i], "|"))
	}
	return nil
}

func (g *gen) usersDat(w *bufio.Writer) error {
	rng := rand.New(rand.NewPCG(g.c.Seed, 0x75736572))
	for u := range g.c.Users {
		fmt.Fprintf(w, "%d::%s::%d::%d::%05d\n", u+1, []string{"M", "F"}[rng.IntN(2)],
			movielens.ML1MAges[rng.IntN(len(movielens.ML1MAges))], rng.IntN(len(movielens.ML1MOccupations)), rng.IntN(100000))
	}
	return nil
}

func (g *gen) uGenre(w *bufio.Writer) error {
	for i, name := range genres100k {
		fmt.Fprintf(w, "%s|%d\n", name, i)
	}
	_, err := w.WriteString("\n") // u.genre ends with a blank line
	return err
}

func (g *gen) uOccupation(w *bufio.Writer) error {
	for _, o := range occupations100k {
		fmt.Fprintln(w, o)
	}
	return nil
}

func (g *gen) uItem(w *bufio.Writer) error {
	rng := rand.New(rand.NewPCG(g.c.Seed, 0x6974656d))
	for i, id := range g.ids {
		date := ""
		if y, ok := movielens.TitleYear(g.titles[i]); ok {
			// Release dates are often years after the film (re-releases).
			d := time.Date(int(y)+rng.IntN(3), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC)
			date = d.Format("02-Jan-2006")
		}
		fmt.Fprintf(w, "%d|", id)
		w.Write(latin1(g.titles[i]))
		fmt.Fprintf(w, "|%s||http://us.imdb.com/M/title-exact?%d", date, id)
		for _, name := range genres100k {
			flag := 0
			if slices.Contains(g.genres[i], name) {
				flag = 1
			}
			fmt.Fprintf(w, "|%d", flag)
		}
		w.WriteByte('\n')
	}
	return nil
}

func (g *gen) uUser(w *bufio.Writer) error {
	rng := rand.New(rand.NewPCG(g.c.Seed, 0x75736572))
	for u := range g.c.Users {
		fmt.Fprintf(w, "%d|%d|%s|%s|%05d\n", u+1, 7+rng.IntN(66), []string{"M", "F"}[rng.IntN(2)],
			occupations100k[rng.IntN(len(occupations100k))], rng.IntN(100000))
	}
	return nil
}
