package monitor

import (
	"fmt"
	"image/color"
	"io"
	"maps"
	"math"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/moviegenie/pipeline/pkg/atomicfile"
	"github.com/moviegenie/pipeline/pkg/runmetrics"
	"github.com/moviegenie/pipeline/pkg/tables"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Font sizes of every chart, chosen to read at a glance in a report at
// the charts' native size (96 dpi).
var (
	titleSize  = vg.Points(18)
	labelSize  = vg.Points(16)
	tickSize   = vg.Points(14)
	legendSize = vg.Points(15)
	valueSize  = vg.Points(11)
)

// sans is the typeface of every text: Liberation Sans, which gonum/plot
// embeds, reads better in charts than the default serif.
const sans = "Sans"

// palette is Okabe & Ito's colour-blind-safe palette, baseline grey first.
var palette = []color.Color{
	color.RGBA{0x80, 0x80, 0x80, 0xff}, // grey
	color.RGBA{0x00, 0x72, 0xb2, 0xff}, // blue
	color.RGBA{0xe6, 0x9f, 0x00, 0xff}, // orange
	color.RGBA{0x00, 0x9e, 0x73, 0xff}, // green
	color.RGBA{0xcc, 0x79, 0xa7, 0xff}, // purple
	color.RGBA{0xd5, 0x5e, 0x00, 0xff}, // vermillion
	color.RGBA{0x56, 0xb4, 0xe9, 0xff}, // sky blue
	color.RGBA{0xf0, 0xe4, 0x42, 0xff}, // yellow
}

func colorAt(i int) color.Color { return palette[i%len(palette)] }

// newPlot returns a plot with the package's fonts and a light grid.
func newPlot(title, x, y string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font.Size = titleSize
	p.Title.TextStyle.Font.Variant = sans
	p.Title.Padding = vg.Points(8)
	p.X.Label.Text, p.Y.Label.Text = x, y
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font.Size = labelSize
		a.Label.TextStyle.Font.Variant = sans
		a.Tick.Label.Font.Size = tickSize
		a.Tick.Label.Font.Variant = sans
		a.Tick.Marker = niceTicks{}
		a.Padding = vg.Points(4)
	}
	p.Legend.TextStyle.Font.Size = legendSize
	p.Legend.TextStyle.Font.Variant = sans
	p.Legend.ThumbnailWidth = vg.Points(28)
	p.Legend.Padding = vg.Points(4)
	g := plotter.NewGrid()
	g.Vertical.Color = color.Gray{0xe0}
	g.Horizontal.Color = color.Gray{0xe0}
	p.Add(g)
	return p
}

// savePNG draws plots side by side on one w x h canvas and writes it to
// path atomically.
func savePNG(path string, w, h vg.Length, plots ...*plot.Plot) error {
	img := vgimg.New(w, h)
	dc := draw.New(img)
	tiles := draw.Tiles{Rows: 1, Cols: len(plots), PadX: vg.Points(24), PadTop: vg.Points(6),
		PadBottom: vg.Points(6), PadLeft: vg.Points(6), PadRight: vg.Points(12)}
	canvases := plot.Align([][]*plot.Plot{plots}, tiles, dc)
	for i, p := range plots {
		p.Draw(canvases[0][i])
	}
	return atomicfile.Write(path, func(w io.Writer) error {
		_, err := vgimg.PngCanvas{Canvas: img}.WriteTo(w)
		return err
	})
}

// PlotCurves draws one PNG per stage with a training curve,
// <outDir>/curve_<stage>.png: training loss per epoch on the left, the
// validation metrics per epoch on the right with the best epoch marked.
// It returns the files written.
func PlotCurves(s *Snapshot, outDir string) ([]string, error) {
	var files []string
	for _, c := range Curves(s) {
		st := s.Stage(c.Stage)
		path := filepath.Join(outDir, "curve_"+c.Stage+".png")
		if err := plotCurve(st, c, path); err != nil {
			return files, fmt.Errorf("plot %s: %w", path, err)
		}
		files = append(files, path)
	}
	return files, nil
}

func plotCurve(st *Stage, sum CurveSummary, path string) error {
	curve := st.File.Curve
	loss := newPlot(st.Name+": training loss", "epoch", "train loss")
	xys := make(plotter.XYs, len(curve))
	for i, e := range curve {
		xys[i] = plotter.XY{X: float64(e.Epoch), Y: e.TrainLoss}
	}
	l, pts, err := plotter.NewLinePoints(xys)
	if err != nil {
		return err
	}
	l.Color, l.Width = colorAt(1), vg.Points(2.5)
	pts.Color, pts.Radius = colorAt(1), vg.Points(3)
	loss.Add(l, pts)
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, e := range curve {
		lo, hi = math.Min(lo, e.TrainLoss), math.Max(hi, e.TrainLoss)
	}
	if pad := 0.05 * (hi - lo); pad > 0 {
		loss.Y.Min, loss.Y.Max = lo-pad, hi+pad
	}
	integerTicks(&loss.X, curve[0].Epoch, curve[len(curve)-1].Epoch)

	title := st.Name + ": validation"
	if sum.BestEpoch > 0 {
		title = fmt.Sprintf("%s: validation\nbest %s %.4f at epoch %d", st.Name, sum.Metric, sum.BestValue, sum.BestEpoch)
	}
	lines := valLines(curve, sum.Metric)
	val := newPlot(title, "epoch", "validation metric")
	ymax := 0.0
	for i, ln := range lines {
		var xys plotter.XYs
		for _, e := range curve {
			if v, ok := e.Val[ln.names[0]]; ok {
				xys = append(xys, plotter.XY{X: float64(e.Epoch), Y: v})
				ymax = math.Max(ymax, v)
			}
		}
		l, pts, err := plotter.NewLinePoints(xys)
		if err != nil {
			return err
		}
		c := colorAt(i + 1) // one colour per line: at most len(palette)-1 lines
		l.Color, l.Width = c, vg.Points(2.5)
		pts.Color, pts.Radius = c, vg.Points(3)
		if ln.names[0] == sum.Metric {
			l.Width = vg.Points(4)
		}
		val.Add(l, pts)
		val.Legend.Add(strings.Join(ln.names, " = "), l, pts)
	}
	if sum.BestEpoch > 0 {
		best, err := plotter.NewLine(plotter.XYs{{X: float64(sum.BestEpoch), Y: 0}, {X: float64(sum.BestEpoch), Y: ymax * 1.05}})
		if err != nil {
			return err
		}
		best.Color, best.Width = color.Black, vg.Points(1.5)
		best.Dashes = []vg.Length{vg.Points(6), vg.Points(4)}
		val.Add(best)
		val.Legend.Add("best epoch", best)
	}
	// Validation metrics rise from the bottom left: the legend goes top
	// left, above them, with head room for its rows (about 7% of the
	// height each) to stay clear of the peak.
	rows := len(lines)
	if sum.BestEpoch > 0 {
		rows++
	}
	val.Y.Min, val.Y.Max = 0, ymax/(0.95-0.075*float64(rows))
	if ymax <= 0 {
		val.Y.Max = 1
	}
	val.Legend.Top, val.Legend.Left = true, true
	val.Legend.XOffs, val.Legend.YOffs = vg.Points(8), -vg.Points(4)
	integerTicks(&val.X, curve[0].Epoch, curve[len(curve)-1].Epoch)
	return savePNG(path, 13*vg.Inch, 5*vg.Inch, loss, val)
}

// valLine is one line of a validation chart: a metric, or several whose
// values are equal at every epoch (hit@10 = recall@10 when each user has
// one validation item), drawn once.
type valLine struct{ names []string }

// shownMetrics are the validation metrics a curve chart draws, in order,
// besides the one the stage selects on; maxValLines bounds the lines so
// the legend stays inside the chart and every line has its own colour.
var shownMetrics = []string{"ndcg@10", "recall@10", "hit@10", "mrr@10", "recall@50", "recall@100", "ndcg@50", "ndcg@100", "precision@10"}

const maxValLines = 4

// valLines picks the lines of a validation chart: the selected metric
// first, then shownMetrics in order, each merged with every other metric
// of the curve that has the same values at every epoch, up to
// maxValLines (the metrics file has the others).
func valLines(curve []runmetrics.Epoch, selected string) (lines []valLine) {
	all := map[string]bool{}
	for _, e := range curve {
		for k := range e.Val {
			all[k] = true
		}
	}
	same := func(a, b string) bool {
		for _, e := range curve {
			va, oka := e.Val[a]
			vb, okb := e.Val[b]
			if oka != okb || va != vb {
				return false
			}
		}
		return true
	}
	used := map[string]bool{}
	for _, m := range append([]string{selected}, shownMetrics...) {
		if !all[m] || used[m] || len(lines) == maxValLines {
			continue
		}
		ln := valLine{names: []string{m}}
		used[m] = true
		for _, k := range slices.Sorted(maps.Keys(all)) {
			if !used[k] && same(m, k) {
				ln.names = append(ln.names, k)
				used[k] = true
			}
		}
		lines = append(lines, ln)
	}
	if len(lines) == 0 { // none of the usual metrics: the first ones by name
		for _, k := range slices.Sorted(maps.Keys(all)) {
			if len(lines) < maxValLines {
				lines = append(lines, valLine{names: []string{k}})
			}
		}
	}
	return lines
}

// integerTicks labels an epoch axis with whole numbers only.
func integerTicks(a *plot.Axis, lo, hi int) {
	step := 1
	for (hi-lo)/step > 10 {
		switch {
		case step == 1:
			step = 2
		case step == 2:
			step = 5
		default:
			step *= 2
		}
	}
	a.Tick.Marker = plot.TickerFunc(func(min, max float64) []plot.Tick {
		var ticks []plot.Tick
		start := int(math.Ceil(min/float64(step))) * step
		for v := start; float64(v) <= max; v += step {
			ticks = append(ticks, plot.Tick{Value: float64(v), Label: fmt.Sprint(v)})
		}
		return ticks
	})
}

// PlotModels draws the model comparison as a grouped bar chart: one
// group per metric of ModelMetrics, one bar per model, the popularity
// baseline grey. It writes nothing and returns false when no stage has
// model metrics.
func PlotModels(s *Snapshot, path string) (bool, error) {
	rows := Models(s)
	cols := metricColumns(rows)
	if len(rows) == 0 || len(cols) == 0 {
		return false, nil
	}
	p := newPlot("Models on the test split (higher is better)", "", "metric value")
	p.NominalX(cols...)
	p.X.Min, p.X.Max = -0.6, float64(len(cols))-0.4
	// Bars fill about 70% of each group; value labels turn vertical when
	// the bars get narrower than the labels.
	width := vg.Points(math.Min(34, 0.7*860/float64(len(rows)*len(cols))))
	vertical := width < vg.Points(30)
	ymax := 0.0
	for i, r := range rows {
		vals := make(plotter.Values, len(cols))
		for j, c := range cols {
			vals[j] = r.Metrics[c] // a missing metric is a zero-height bar
			ymax = math.Max(ymax, vals[j])
		}
		bars, err := plotter.NewBarChart(vals, width)
		if err != nil {
			return false, err
		}
		ci := i + 1
		if r.Model == Baseline {
			ci = 0
		}
		bars.Color = colorAt(ci)
		bars.LineStyle.Width = 0
		bars.Offset = vg.Length(float64(i)-float64(len(rows)-1)/2) * width
		p.Add(bars)
		name := r.Model
		if len(rowsNamed(rows, r.Model)) > 1 {
			name += " (" + r.Stages[0] + ")"
		}
		p.Legend.Add(name, bars)

		// The value above each bar.
		labels := plotter.XYLabels{XYs: make(plotter.XYs, len(cols)), Labels: make([]string, len(cols))}
		for j := range cols {
			labels.XYs[j] = plotter.XY{X: float64(j), Y: vals[j]}
			labels.Labels[j] = fmt.Sprintf("%.3f", vals[j])
			if _, ok := r.Metrics[cols[j]]; !ok {
				labels.Labels[j] = ""
			}
		}
		lab, err := plotter.NewLabels(labels)
		if err != nil {
			return false, err
		}
		for k := range lab.TextStyle {
			lab.TextStyle[k].Font.Size = valueSize
			lab.TextStyle[k].Font.Variant = sans
			lab.TextStyle[k].XAlign = draw.XCenter
			lab.TextStyle[k].YAlign = draw.YBottom
			if vertical {
				lab.TextStyle[k].Rotation = math.Pi / 2
				lab.TextStyle[k].XAlign = draw.XLeft
				lab.TextStyle[k].YAlign = draw.YCenter
			}
		}
		lab.Offset = vg.Point{X: bars.Offset, Y: vg.Points(2)}
		p.Add(lab)
	}
	p.Y.Min, p.Y.Max = 0, ymax*1.2
	if ymax <= 0 {
		p.Y.Max = 1
	}
	p.Legend.Top, p.Legend.Left = true, true
	p.Legend.XOffs, p.Legend.YOffs = vg.Points(8), -vg.Points(4)
	p.X.Tick.Label.Font.Size = labelSize
	return true, savePNG(path, 13*vg.Inch, 6*vg.Inch, p)
}

func rowsNamed(rows []ModelRow, model string) []ModelRow {
	var out []ModelRow
	for _, r := range rows {
		if r.Model == model {
			out = append(out, r)
		}
	}
	return out
}

// InteractionCounts counts interactions per user and per movie, sorted
// ascending.
func InteractionCounts(ratings []tables.Rating) (perUser, perMovie []float64) {
	users, movies := map[int32]float64{}, map[int32]float64{}
	for _, r := range ratings {
		users[r.UserID]++
		movies[r.MovieID]++
	}
	collect := func(m map[int32]float64) []float64 {
		out := make([]float64, 0, len(m))
		for _, v := range m {
			out = append(out, v)
		}
		sort.Float64s(out)
		return out
	}
	return collect(users), collect(movies)
}

// PlotInteractions draws histograms of the interactions per user and per
// movie side by side, each titled with its count, median and mean, and
// marks the k-core thresholds when they are positive.
func PlotInteractions(perUser, perMovie []float64, minUser, minMovie float64, path string) error {
	left, err := histogram("Interactions per user", "interactions", "users", perUser, minUser, "min_ratings_per_user", colorAt(1))
	if err != nil {
		return fmt.Errorf("plot %s: %w", path, err)
	}
	right, err := histogram("Interactions per movie", "interactions", "movies", perMovie, minMovie, "min_ratings_per_movie", colorAt(2))
	if err != nil {
		return fmt.Errorf("plot %s: %w", path, err)
	}
	if err := savePNG(path, 13*vg.Inch, 5*vg.Inch, left, right); err != nil {
		return fmt.Errorf("plot %s: %w", path, err)
	}
	return nil
}

func histogram(title, x, y string, counts []float64, threshold float64, thresholdName string, c color.Color) (*plot.Plot, error) {
	if len(counts) == 0 {
		return nil, fmt.Errorf("%s: no data", title)
	}
	sorted := slices.Clone(counts)
	sort.Float64s(sorted)
	mean := 0.0
	for _, v := range sorted {
		mean += v / float64(len(sorted))
	}
	median := sorted[len(sorted)/2]
	if len(sorted)%2 == 0 {
		median = (sorted[len(sorted)/2-1] + sorted[len(sorted)/2]) / 2
	}
	p := newPlot(fmt.Sprintf("%s\nn=%d, median %s, mean %.1f", title, len(sorted), FormatNum(median), mean), x+" (log scale)", y)
	h := &plotter.Histogram{Bins: logBins(sorted, 30), FillColor: c}
	h.LineStyle.Color = color.White
	h.LineStyle.Width = vg.Points(0.5)
	p.Add(h)
	ymax := 0.0
	for _, b := range h.Bins {
		ymax = math.Max(ymax, b.Weight)
	}
	if threshold > 0 {
		l, err := plotter.NewLine(plotter.XYs{{X: threshold, Y: 0}, {X: threshold, Y: ymax * 1.15}})
		if err != nil {
			return nil, err
		}
		l.Color, l.Width = color.Black, vg.Points(1.5)
		l.Dashes = []vg.Length{vg.Points(6), vg.Points(4)}
		p.Add(l)
		p.Legend.Add(fmt.Sprintf("%s = %s", thresholdName, FormatNum(threshold)), l)
		p.Legend.Top = true
	}
	p.X.Scale = plot.LogScale{}
	p.X.Tick.Marker = logTicks{}
	p.Y.Min, p.Y.Max = 0, ymax*1.2
	if ymax <= 0 {
		p.Y.Max = 1
	}
	return p, nil
}

// logBins cuts the ascending counts (whole numbers >= 1) into at most n
// bins of about equal width on a log scale, from the smallest count to the
// largest. Bin edges fall halfway between whole numbers, so that every bin
// holds at least one possible count and none is an empty sliver.
func logBins(sorted []float64, n int) []plotter.HistogramBin {
	lo, hi := math.Max(sorted[0], 1)-0.5, math.Max(sorted[len(sorted)-1], 1)+0.5
	llo, lhi := math.Log(lo), math.Log(hi)
	edges := []float64{lo}
	for i := 1; i <= n; i++ {
		e := math.Round(math.Exp(llo+(lhi-llo)*float64(i)/float64(n))-0.5) + 0.5
		if e > edges[len(edges)-1] {
			edges = append(edges, e)
		}
	}
	edges[len(edges)-1] = hi
	bins := make([]plotter.HistogramBin, len(edges)-1)
	for i := range bins {
		bins[i].Min, bins[i].Max = edges[i], edges[i+1]
	}
	j := 0
	for _, v := range sorted {
		for j < len(bins)-1 && v > bins[j].Max {
			j++
		}
		bins[j].Weight++
	}
	return bins
}

// Charts are the files PlotAll wrote ("" or nil: not drawn).
type Charts struct {
	Models       string
	Curves       []string
	Interactions string
}

// PlotAll draws every chart of a snapshot into outDir: models.png,
// curve_<stage>.png and, when ratingsPath exists, interactions.png (with
// the k-core thresholds from the process stage's params). Charts that
// cannot be drawn for lack of data are skipped with a note in notes.
func PlotAll(s *Snapshot, ratingsPath, outDir string) (c Charts, notes []string, err error) {
	models := filepath.Join(outDir, "models.png")
	drawn, err := PlotModels(s, models)
	if err != nil {
		return c, notes, fmt.Errorf("plot %s: %w", models, err)
	}
	if drawn {
		c.Models = models
	} else {
		notes = append(notes, "no model metrics yet: models.png not drawn")
	}
	if c.Curves, err = PlotCurves(s, outDir); err != nil {
		return c, notes, err
	}
	if len(c.Curves) == 0 {
		notes = append(notes, "no training curves yet: no curve_*.png drawn")
	}
	ratings, err := tables.Read[tables.Rating](ratingsPath)
	if err != nil {
		notes = append(notes, fmt.Sprintf("interactions.png not drawn: %v", err))
		return c, notes, nil
	}
	var minUser, minMovie float64
	if st := s.Stage("process"); st != nil && st.OK() {
		minUser, _ = st.File.Params["min_ratings_per_user"].(float64)
		minMovie, _ = st.File.Params["min_ratings_per_movie"].(float64)
	}
	perUser, perMovie := InteractionCounts(ratings)
	path := filepath.Join(outDir, "interactions.png")
	if err := PlotInteractions(perUser, perMovie, minUser, minMovie, path); err != nil {
		return c, notes, err
	}
	c.Interactions = path
	return c, notes, nil
}
