package db

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// VectorRow is one row of data/vectors/<model>_movies.parquet.
type VectorRow struct {
	MovieID int32     `parquet:"name=movie_id, type=INT32"`
	Vector  []float32 `parquet:"name=vector, type=LIST, valuetype=FLOAT"`
}

// TextModel is the model name under which text embeddings are served.
const TextModel = "text"

// ModelFile is one model output to load: a file and the model it belongs to.
type ModelFile struct {
	Model string
	Path  string
}

// Inputs names every file a build reads.
type Inputs struct {
	// Processed is the directory holding movies, users, ratings, genres
	// and occupations .parquet (pkg/tables rows).
	Processed string
	// Recs are recommendation files (pkg/eval.Rec rows), one per model.
	Recs []ModelFile
	// Vectors are movie vector files (VectorRow), one per model.
	Vectors []ModelFile
	// TextEmbeddings, if not empty, is data/features/text_embeddings.parquet,
	// served as the movie vectors of model "text".
	TextEmbeddings string
	// Metrics are metrics/<stage>.json files (pkg/runmetrics) for the
	// pipeline_runs table. A file whose stage is "dbsetup" is skipped: it
	// describes the previous build, not a pipeline output.
	Metrics []string
}

// FindInputs lists the inputs found in the pipeline's directories: every
// recsDir/*.parquet (model = file name without .parquet), every
// vectorsDir/*_movies.parquet (model = the part before _movies), the text
// embeddings in featuresDir if present, and every metricsDir/*.json. A
// missing optional directory (or an empty name) contributes nothing; the
// processed files are checked when the build reads them.
func FindInputs(processed, recsDir, vectorsDir, featuresDir, metricsDir string) (Inputs, error) {
	in := Inputs{Processed: processed}
	var err error
	if in.Recs, err = modelFiles(recsDir, ".parquet"); err != nil {
		return Inputs{}, err
	}
	if in.Vectors, err = modelFiles(vectorsDir, "_movies.parquet"); err != nil {
		return Inputs{}, err
	}
	if featuresDir != "" {
		p := filepath.Join(featuresDir, "text_embeddings.parquet")
		if _, err := os.Stat(p); err == nil {
			in.TextEmbeddings = p
		}
	}
	if metricsDir != "" {
		if in.Metrics, err = filepath.Glob(filepath.Join(metricsDir, "*.json")); err != nil {
			return Inputs{}, err
		}
	}
	return in, nil
}

// modelFiles lists dir/*suffix as model files, sorted by model.
func modelFiles(dir, suffix string) ([]ModelFile, error) {
	if dir == "" {
		return nil, nil
	}
	paths, err := filepath.Glob(filepath.Join(dir, "*"+suffix))
	if err != nil {
		return nil, err
	}
	var out []ModelFile
	for _, p := range paths {
		base := filepath.Base(p)
		if strings.HasPrefix(base, ".") {
			continue // a temporary file of a running stage
		}
		model := strings.TrimSuffix(base, suffix)
		if model == "" {
			return nil, fmt.Errorf("%s: cannot tell the model from the file name (want <model>%s)", p, suffix)
		}
		out = append(out, ModelFile{Model: model, Path: p})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Model < out[j].Model })
	return out, nil
}
