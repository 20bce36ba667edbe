package features

// MinWindowLength is the shortest window kept: a masked-item model needs at
// least one item to predict from and one to predict.
const MinWindowLength = 2

// Span is a half-open range [Start, End) of positions in a sequence.
type Span struct{ Start, End int }

// CutWindows cuts a sequence of n items into windows of at most maxLen,
// from the end backwards: the first span is the last maxLen items, the next
// the maxLen before them, and so on; the oldest leftover is kept only if it
// has at least MinWindowLength items. So n = maxLen+1 gives one window (the
// oldest item is dropped) and n = 2·maxLen+3 gives windows of maxLen,
// maxLen and 3. Windows never overlap, and the most recent items are
// always in a full-length window, which is what BERT4Rec is evaluated on.
// It panics if maxLen < MinWindowLength.
func CutWindows(n, maxLen int) []Span {
	if maxLen < MinWindowLength {
		panic("features: CutWindows: maxLen below MinWindowLength")
	}
	var out []Span
	for end := n; end >= MinWindowLength; end -= maxLen {
		out = append(out, Span{Start: max(0, end-maxLen), End: end})
	}
	return out
}
