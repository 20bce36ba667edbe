package features

import (
	"cmp"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/xitongsys/parquet-go-source/local"
	"github.com/xitongsys/parquet-go/reader"

	"github.com/moviegenie/pipeline/pkg/tables"
	"github.com/moviegenie/pipeline/pkg/textembed"
)

// TagsFile is the optional processed table of tags (ML-10M onwards,
// ml-latest and ml-latest-small have tags.csv): movie_id, tag, count (how
// many times users applied the tag to the movie). Other columns are
// ignored; a missing or empty file means no tags.
const TagsFile = "tags.parquet"

// MaxTagsPerMovie bounds the tags that join a movie's text: the most
// frequent ones. ML-25M's most tagged movies have thousands of distinct
// tags, mostly one-offs that only add noise and vocabulary.
const MaxTagsPerMovie = 20

// MovieTag is the part of a tags.parquet row the features read.
type MovieTag struct {
	MovieID int32  `parquet:"name=movie_id, type=INT32"`
	Tag     string `parquet:"name=tag, type=BYTE_ARRAY, convertedtype=UTF8"`
	Count   int32  `parquet:"name=count, type=INT32"`
}

// readTags reads path if it exists and has rows (nil, nil otherwise).
func readTags(path string) ([]MovieTag, error) {
	if _, err := os.Stat(path); os.IsNotExist(err) {
		return nil, nil
	}
	if n, err := numRows(path); err != nil || n == 0 {
		return nil, err
	}
	return tables.Read[MovieTag](path)
}

// numRows is the row count of a parquet file, from its footer.
func numRows(path string) (int64, error) {
	fr, err := local.NewLocalFileReader(path)
	if err != nil {
		return 0, fmt.Errorf("read %s: %w", path, err)
	}
	defer fr.Close()
	pr, err := reader.NewParquetReader(fr, nil, 1)
	if err != nil {
		return 0, fmt.Errorf("read %s: not a readable parquet file: %w", path, err)
	}
	defer pr.ReadStop()
	return pr.GetNumRows(), nil
}

// movieTagText groups tags by movie into the text that joins each movie's
// document: per movie, its tags normalised (textembed.Words, joined by
// spaces), their counts summed over rows, the MaxTagsPerMovie most frequent kept
// (ties by the tag itself), most frequent first. Tags of movies not in
// movieIdx (dropped by the k-core) are ignored; an empty tag is skipped.
// The result is indexed by movie_idx-1. Tags describe movies, like genres:
// no tag says which user rated what, so they may be read whole.
func movieTagText(tags []MovieTag, movieIdx map[int32]int32, n int) (text []string, tagged int) {
	counts := make([]map[string]int, n)
	for _, t := range tags {
		mi, ok := movieIdx[t.MovieID]
		if !ok {
			continue
		}
		w := strings.Join(textembed.Words(t.Tag), " ")
		if w == "" {
			continue
		}
		if counts[mi-1] == nil {
			counts[mi-1] = map[string]int{}
		}
		counts[mi-1][w] += int(t.Count)
	}
	text = make([]string, n)
	type tc struct {
		tag string
		n   int
	}
	for i, c := range counts {
		if len(c) == 0 {
			continue
		}
		tagged++
		list := make([]tc, 0, len(c))
		for t, k := range c {
			list = append(list, tc{t, k})
		}
		slices.SortFunc(list, func(a, b tc) int {
			if a.n != b.n {
				return cmp.Compare(b.n, a.n)
			}
			return strings.Compare(a.tag, b.tag)
		})
		if len(list) > MaxTagsPerMovie {
			list = list[:MaxTagsPerMovie]
		}
		parts := make([]string, len(list))
		for j, x := range list {
			parts[j] = x.tag
		}
		text[i] = strings.Join(parts, " ")
	}
	return text, tagged
}

// checkTags reports a tags row naming a movie id below 1 or a count below 1.
func checkTags(tags []MovieTag) error {
	for i, t := range tags {
		if t.MovieID < 1 {
			return fmt.Errorf("%s: column movie_id: row %d: movie id %d, want a positive id", TagsFile, i, t.MovieID)
		}
		if t.Count < 1 {
			return fmt.Errorf("%s: column count: row %d: count %d for movie %d tag %q, want at least 1", TagsFile, i, t.Count, t.MovieID, t.Tag)
		}
	}
	return nil
}
