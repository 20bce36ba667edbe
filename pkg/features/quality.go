package features

import (
	"fmt"
	"sort"

	"github.com/moviegenie/pipeline/pkg/runmetrics"
)

// TitleQuery measures how well the text encoder finds a movie from its own
// title. It takes the n movies with the most train+validation interactions
// (ties by movie_idx), embeds each one's raw title ("Godfather, The
// (1972)") as a query, and returns the share of them whose own text
// embedding has the highest cosine with the query among those n movies
// (withinTop) and among all movies (withinAll). A tie with another movie
// counts as a miss.
func TitleQuery(o *Output, n int) (withinTop, withinAll float64) {
	n = min(n, len(o.MovieFeatures))
	if n == 0 {
		return 0, 0
	}
	order := make([]int, len(o.MovieFeatures))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		return o.MovieFeatures[order[a]].TrainCount > o.MovieFeatures[order[b]].TrainCount
	})
	top := order[:n]
	inTop := make(map[int]bool, n)
	for _, i := range top {
		inTop[i] = true
	}
	var hitTop, hitAll int
	for _, i := range top {
		q := o.Encoder.Embed(o.MovieFeatures[i].Title)
		self := dot32(q, o.TextEmbeddings[i].Embedding)
		beatenTop, beatenAll := false, false
		for j := range o.TextEmbeddings {
			if j == i {
				continue
			}
			if dot32(q, o.TextEmbeddings[j].Embedding) >= self {
				beatenAll = true
				if inTop[j] {
					beatenTop = true
					break
				}
			}
		}
		if !beatenTop {
			hitTop++
		}
		if !beatenAll {
			hitAll++
		}
	}
	return float64(hitTop) / float64(n), float64(hitAll) / float64(n)
}

func dot32(a, b []float32) float64 {
	var s float64
	for i := range a {
		s += float64(a[i]) * float64(b[i])
	}
	return s
}

// Checks are the data checks of a Build for the metrics file.
func (o *Output) Checks() []runmetrics.Check {
	var out []runmetrics.Check
	add := func(name string, passed bool, format string, args ...any) {
		out = append(out, runmetrics.Check{Name: name, Passed: passed, Detail: fmt.Sprintf(format, args...)})
	}
	withWindow := map[int32]bool{}
	for _, w := range o.Windows {
		withWindow[w.UserIdx] = true
	}
	add("users_with_bert4rec_window", len(withWindow) == len(o.UserFeatures),
		"%d of %d users have at least one window (%d or more train interactions)", len(withWindow), len(o.UserFeatures), MinWindowLength)
	zero := 0
	for _, e := range o.TextEmbeddings {
		if dot32(e.Embedding, e.Embedding) == 0 {
			zero++
		}
	}
	add("text_embeddings_nonzero", zero == 0, "%d of %d movies have a zero text embedding (no indexed term)", zero, len(o.TextEmbeddings))
	add("genres_have_curated_words", len(o.Stats.UncuratedGenres) == 0, "genres without words in genre_words.txt: %v", o.Stats.UncuratedGenres)
	top := o.Stats.TitleQueryTop20Within20
	add("title_query_top20", top == 1, "share of the 20 most-rated movies whose own title, as a query, ranks them first among the 20: %.2f", top)
	return out
}
