package tables

import (
	"fmt"
	"io"
	"os"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/moviegenie/pipeline/pkg/atomicfile"
)

// The two big tables, ratings.parquet and sequences.parquet, are written
// column by column, one row group at a time, with Apache Arrow's parquet
// writer: the row-by-row writer behind Write spends about 3 s per million
// ratings, which at 25M ratings is most of a minute. The files have the
// same schema as Write would give the row types (Read checks it), except
// that list elements of timestamps are marked UTC too.

// splitNames are the Split values, indexed by the codes of RatingGroup.Split.
var splitNames = [3]string{SplitTrain, SplitValidation, SplitTest}

// Split codes for RatingGroup.Split.
const (
	CodeTrain int8 = iota
	CodeValidation
	CodeTest
)

// SplitName returns the Split value of a split code.
func SplitName(code int8) string { return splitNames[code] }

var (
	tsUTC        = &arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "UTC"}
	ratingSchema = arrow.NewSchema([]arrow.Field{
		{Name: "user_id", Type: arrow.PrimitiveTypes.Int32},
		{Name: "movie_id", Type: arrow.PrimitiveTypes.Int32},
		{Name: "rating", Type: arrow.PrimitiveTypes.Float32},
		{Name: "timestamp", Type: tsUTC},
		{Name: "position", Type: arrow.PrimitiveTypes.Int32},
		{Name: "split", Type: arrow.BinaryTypes.String},
	}, nil)
	sequenceSchema = arrow.NewSchema([]arrow.Field{
		{Name: "user_id", Type: arrow.PrimitiveTypes.Int32},
		{Name: "movie_ids", Type: listOf(arrow.PrimitiveTypes.Int32)},
		{Name: "timestamps", Type: listOf(tsUTC)},
		{Name: "ratings", Type: listOf(arrow.PrimitiveTypes.Float32)},
		{Name: "n_train", Type: arrow.PrimitiveTypes.Int32},
		{Name: "n_val", Type: arrow.PrimitiveTypes.Int32},
		{Name: "n_test", Type: arrow.PrimitiveTypes.Int32},
	}, nil)
)

func listOf(t arrow.DataType) *arrow.ListType {
	return arrow.ListOfField(arrow.Field{Name: "element", Type: t})
}

// streamWriter writes a parquet file row group by row group into a
// temporary file that Close renames into place.
type streamWriter struct {
	path string
	tmp  *os.File
	fw   *pqarrow.FileWriter
	sch  *arrow.Schema
	done bool
}

// writerOnly hides the file's Close from the parquet writer, which would
// otherwise close it before it is synced.
type writerOnly struct{ io.Writer }

func createStream(path string, sch *arrow.Schema) (*streamWriter, error) {
	tmpPath, err := atomicfile.TempPath(path)
	if err != nil {
		return nil, err
	}
	f, err := os.OpenFile(tmpPath, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	props := parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Snappy),
		parquet.WithMaxRowGroupLength(1<<30), parquet.WithDictionaryDefault(false),
		parquet.WithDictionaryFor("split", true))
	fw, err := pqarrow.NewFileWriter(sch, writerOnly{f}, props, pqarrow.NewArrowWriterProperties())
	if err != nil {
		f.Close()
		os.Remove(tmpPath)
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	return &streamWriter{path: path, tmp: f, fw: fw, sch: sch}, nil
}

func (w *streamWriter) write(n int, cols ...arrow.Array) error {
	rec := array.NewRecordBatch(w.sch, cols, int64(n))
	defer rec.Release()
	for _, c := range cols {
		c.Release()
	}
	if err := w.fw.Write(rec); err != nil {
		return fmt.Errorf("write %s: %w", w.path, err)
	}
	return nil
}

// Close finishes the file and renames it into place.
func (w *streamWriter) Close() error {
	if w.done {
		return nil
	}
	w.done = true
	err := w.fw.Close()
	if err == nil {
		err = w.tmp.Sync()
	}
	if cerr := w.tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = atomicfile.Commit(w.tmp.Name(), w.path)
	}
	if err != nil {
		os.Remove(w.tmp.Name())
		return fmt.Errorf("write %s: %w", w.path, err)
	}
	return nil
}

// Abort drops the temporary file; the target is left as it was. It does
// nothing after Close.
func (w *streamWriter) Abort() {
	if w.done {
		return
	}
	w.done = true
	w.fw.Close()
	w.tmp.Close()
	os.Remove(w.tmp.Name())
}

// int32s wraps a slice as an arrow array without copying it.
func int32s(v []int32) arrow.Array {
	return array.NewInt32Data(array.NewData(arrow.PrimitiveTypes.Int32, len(v),
		[]*memory.Buffer{nil, memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(v))}, nil, 0, 0))
}

func float32s(v []float32) arrow.Array {
	return array.NewFloat32Data(array.NewData(arrow.PrimitiveTypes.Float32, len(v),
		[]*memory.Buffer{nil, memory.NewBufferBytes(arrow.Float32Traits.CastToBytes(v))}, nil, 0, 0))
}

func timestamps(v []int64) arrow.Array {
	return array.NewTimestampData(array.NewData(tsUTC, len(v),
		[]*memory.Buffer{nil, memory.NewBufferBytes(arrow.Int64Traits.CastToBytes(v))}, nil, 0, 0))
}

// list wraps offsets (len n+1, from 0) and the child values as a list array.
func list(t *arrow.ListType, offsets []int32, child arrow.Array) arrow.Array {
	defer child.Release()
	return array.NewListData(array.NewData(t, len(offsets)-1,
		[]*memory.Buffer{nil, memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(offsets))}, []arrow.ArrayData{child.Data()}, 0, 0))
}

// RatingGroup is one row group of ratings.parquet, as columns of equal
// length. Timestamps are milliseconds; Split holds split codes.
type RatingGroup struct {
	UserID, MovieID []int32
	Rating          []float32
	TimestampMs     []int64
	Position        []int32
	Split           []int8
}

// RatingsWriter streams ratings.parquet.
type RatingsWriter struct{ s *streamWriter }

// CreateRatings starts ratings.parquet at path (written to a temporary
// file until Close).
func CreateRatings(path string) (*RatingsWriter, error) {
	s, err := createStream(path, ratingSchema)
	return &RatingsWriter{s}, err
}

// WriteGroup writes g as one row group.
func (w *RatingsWriter) WriteGroup(g *RatingGroup) error {
	n := len(g.UserID)
	if len(g.MovieID) != n || len(g.Rating) != n || len(g.TimestampMs) != n || len(g.Position) != n || len(g.Split) != n {
		panic("tables: RatingGroup columns of different lengths")
	}
	sb := array.NewStringBuilder(memory.DefaultAllocator)
	defer sb.Release()
	sb.Reserve(n)
	sb.ReserveData(n * 5)
	for _, c := range g.Split {
		sb.Append(splitNames[c])
	}
	return w.s.write(n, int32s(g.UserID), int32s(g.MovieID), float32s(g.Rating), timestamps(g.TimestampMs),
		int32s(g.Position), sb.NewArray())
}

// Close finishes the file and renames it into place.
func (w *RatingsWriter) Close() error { return w.s.Close() }

// Abort drops the unfinished file.
func (w *RatingsWriter) Abort() { w.s.Abort() }

// SequenceGroup is one row group of sequences.parquet: one row per user,
// user i's interactions at [Offsets[i], Offsets[i+1]) of the flat columns
// (Offsets starts at 0).
type SequenceGroup struct {
	UserID              []int32
	Offsets             []int32
	MovieIDs            []int32
	TimestampsMs        []int64
	Ratings             []float32
	NTrain, NVal, NTest []int32
}

// SequencesWriter streams sequences.parquet.
type SequencesWriter struct{ s *streamWriter }

// CreateSequences starts sequences.parquet at path.
func CreateSequences(path string) (*SequencesWriter, error) {
	s, err := createStream(path, sequenceSchema)
	return &SequencesWriter{s}, err
}

// WriteGroup writes g as one row group.
func (w *SequencesWriter) WriteGroup(g *SequenceGroup) error {
	n := len(g.UserID)
	m := len(g.MovieIDs)
	if len(g.Offsets) != n+1 || g.Offsets[0] != 0 || int(g.Offsets[n]) != m || len(g.TimestampsMs) != m || len(g.Ratings) != m ||
		len(g.NTrain) != n || len(g.NVal) != n || len(g.NTest) != n {
		panic("tables: SequenceGroup columns inconsistent")
	}
	f := sequenceSchema.Fields()
	return w.s.write(n, int32s(g.UserID),
		list(f[1].Type.(*arrow.ListType), g.Offsets, int32s(g.MovieIDs)),
		list(f[2].Type.(*arrow.ListType), g.Offsets, timestamps(g.TimestampsMs)),
		list(f[3].Type.(*arrow.ListType), g.Offsets, float32s(g.Ratings)),
		int32s(g.NTrain), int32s(g.NVal), int32s(g.NTest))
}

// Close finishes the file and renames it into place.
func (w *SequencesWriter) Close() error { return w.s.Close() }

// Abort drops the unfinished file.
func (w *SequencesWriter) Abort() { w.s.Abort() }

// WriteRatings writes rows as ratings.parquet with the column writer, in
// row groups of at most groupRows rows (all in one when groupRows < 1).
func WriteRatings(path string, rows []Rating, groupRows int) error {
	w, err := CreateRatings(path)
	if err != nil {
		return err
	}
	if groupRows < 1 {
		groupRows = max(1, len(rows))
	}
	codes := map[string]int8{SplitTrain: CodeTrain, SplitValidation: CodeValidation, SplitTest: CodeTest}
	for lo := 0; lo < len(rows); lo += groupRows {
		part := rows[lo:min(len(rows), lo+groupRows)]
		g := RatingGroup{}
		for _, r := range part {
			c, ok := codes[r.Split]
			if !ok {
				w.Abort()
				return fmt.Errorf("write %s: user %d movie %d: split %q, want train, validation or test", path, r.UserID, r.MovieID, r.Split)
			}
			g.UserID = append(g.UserID, r.UserID)
			g.MovieID = append(g.MovieID, r.MovieID)
			g.Rating = append(g.Rating, r.Rating)
			g.TimestampMs = append(g.TimestampMs, r.Timestamp)
			g.Position = append(g.Position, r.Position)
			g.Split = append(g.Split, c)
		}
		if err := w.WriteGroup(&g); err != nil {
			w.Abort()
			return err
		}
	}
	return w.Close()
}

// WriteSequences writes rows as sequences.parquet with the column writer,
// one row group.
func WriteSequences(path string, rows []Sequence) error {
	w, err := CreateSequences(path)
	if err != nil {
		return err
	}
	g := SequenceGroup{Offsets: []int32{0}}
	for _, s := range rows {
		if len(s.Timestamps) != len(s.MovieIDs) || len(s.Ratings) != len(s.MovieIDs) {
			w.Abort()
			return fmt.Errorf("write %s: user %d: movie_ids, timestamps and ratings of different lengths", path, s.UserID)
		}
		g.UserID = append(g.UserID, s.UserID)
		g.MovieIDs = append(g.MovieIDs, s.MovieIDs...)
		g.TimestampsMs = append(g.TimestampsMs, s.Timestamps...)
		g.Ratings = append(g.Ratings, s.Ratings...)
		g.Offsets = append(g.Offsets, int32(len(g.MovieIDs)))
		g.NTrain = append(g.NTrain, s.NTrain)
		g.NVal = append(g.NVal, s.NVal)
		g.NTest = append(g.NTest, s.NTest)
	}
	if err := w.WriteGroup(&g); err != nil {
		w.Abort()
		return err
	}
	return w.Close()
}
