package bert4rec

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/moviegenie/pipeline/pkg/nn"
	"github.com/moviegenie/pipeline/pkg/trainer"
)

// SelectMetric is the validation metric that picks the best epoch.
const SelectMetric = "ndcg@10"

// adamEps is Adam's epsilon (PyTorch's default).
const adamEps = 1e-8

// TrainData is what a model learns from: movie_idx sequences, oldest
// first.
type TrainData struct {
	// Windows are the Cloze examples (bert4rec_windows.parquet), each
	// 1..T items; their masks are drawn anew every epoch.
	Windows [][]int32
	// Recent marks each user's most recent window (window 0), for
	// Config.MaskLast; nil marks none.
	Recent []bool
	// Seqs holds, for each window, the whole train sequence it was cut
	// from (windows of one user share it), for Config.WindowOffsets
	// "random"; nil keeps the windows as they are.
	Seqs [][]int32
}

// Options are the hooks of Train: Validate's metrics pick the best epoch
// by SelectMetric.
type Options = trainer.Options[*Model]

// Result summarises a training run; an epoch's Loss is the mean
// cross-entropy over its masked positions (with Config.SampledSoftmax, the
// sampled softmax's: lower than the full one, not comparable with it).
type Result = trainer.Result

// Train trains m on data for up to m.Cfg.Epochs epochs with AdamW, drawing
// every random choice (example order, masks, dropout) from m.Cfg.Seed, so
// the same model, data and config give bit-identical weights on the same
// machine and matrix backend. It returns an error if the loss stops being
// finite, a window is empty or longer than T, or Validate fails.
func Train(m *Model, data TrainData, opts Options) (*Result, error) {
	cfg := m.Cfg
	T, V, B := cfg.MaxLen, m.V, cfg.BatchSize
	for i, w := range data.Windows {
		if err := checkWindow(w, T, V); err != nil {
			return nil, fmt.Errorf("window %d: %w", i, err)
		}
	}
	if data.Recent != nil && len(data.Recent) != len(data.Windows) {
		return nil, fmt.Errorf("%d recent flags for %d windows", len(data.Recent), len(data.Windows))
	}
	randomOffsets := cfg.WindowOffsets == "random" && data.Seqs != nil
	if randomOffsets {
		if len(data.Seqs) != len(data.Windows) || data.Recent == nil {
			return nil, fmt.Errorf("window_offsets random: %d sequences and %d recent flags for %d windows", len(data.Seqs), len(data.Recent), len(data.Windows))
		}
		for i, q := range data.Seqs {
			if len(q) < len(data.Windows[i]) {
				return nil, fmt.Errorf("window %d: %d items, longer than its sequence of %d", i, len(data.Windows[i]), len(q))
			}
			if err := checkWindow(q[len(q)-min(len(q), T):], T, V); err != nil {
				return nil, fmt.Errorf("sequence of window %d: %w", i, err)
			}
		}
	}
	// Examples 0..len(Windows)-1 are the Cloze windows; with mask_last
	// "extra", the recent windows follow as last-item examples.
	var extra []int
	if cfg.MaskLast == "extra" {
		for i, r := range data.Recent {
			if r {
				extra = append(extra, i)
			}
		}
	}
	nEx := len(data.Windows) + len(extra)
	if nEx == 0 {
		return nil, fmt.Errorf("no training windows")
	}
	stepsPerEpoch := (nEx + B - 1) / B
	sched := cfg.schedule(cfg.Epochs * stepsPerEpoch)
	opt := nn.NewAdamW(m.P, float32(cfg.Beta1), float32(cfg.Beta2), adamEps, float32(cfg.WeightDecay))

	ws := &workspace{train: true}
	reserveTraining(ws, m, data.Windows, B)
	var sampler *negSampler
	if cfg.SampledSoftmax > 0 {
		sampler = newNegSampler(cfg.SampledSoftmax, V, cfg.SampledUniform, data.Windows, cfg.Seed)
		ws.logQ = sampler.logQ
	}
	var bt batch
	seqs := make([]seqInput, B)
	order := make([]int, nEx)
	step := 0
	loop := trainer.Loop[*Model]{
		Model: m, Options: opts,
		Epochs: cfg.Epochs, EvalEvery: cfg.EvalEvery, Patience: cfg.Patience, SelectMetric: SelectMetric,
		StepsPerEpoch: stepsPerEpoch, Weights: [][]float32{m.P.Data},
	}
	res, err := loop.Run(func(epoch int, rep trainer.Reporter) (float64, float64, error) {
		rng := rand.New(rand.NewPCG(uint64(cfg.Seed), uint64(epoch)))
		for i := range order {
			order[i] = i
		}
		rng.Shuffle(nEx, func(i, j int) { order[i], order[j] = order[j], order[i] })
		var lossSum float64
		var masked int
		var lr float32
		for j := 0; j < stepsPerEpoch; j++ {
			chunk := order[j*B : min(nEx, (j+1)*B)]
			for k, idx := range chunk {
				if idx < len(data.Windows) {
					force := cfg.MaskLast == "force_all" || cfg.MaskLast == "force" && data.Recent != nil && data.Recent[idx]
					w := data.Windows[idx]
					if randomOffsets && !data.Recent[idx] {
						w = randomWindow(data.Seqs[idx], len(w), rng)
					}
					clozeMask(&seqs[k], w, cfg, V, force, rng)
				} else {
					lastMask(&seqs[k], data.Windows[extra[idx-len(data.Windows)]], V)
				}
			}
			bt.pack(seqs[:len(chunk)], T, V, cfg.NumHeads)
			m.P.ZeroGrad()
			if sampler != nil {
				ws.neg = sampler.draw()
			}
			m.forward(ws, &bt, true, uint64(step))
			loss := m.lossBackward(ws, &bt, true)
			if math.IsNaN(float64(loss)) || math.IsInf(float64(loss), 0) {
				return 0, 0, fmt.Errorf("training diverged: loss %v at epoch %d step %d (lower learning_rate or set grad_clip)", loss, epoch, step)
			}
			if cfg.GradClip > 0 {
				nn.ClipGradNorm(m.P, float32(cfg.GradClip))
			}
			lr = sched.LR(step)
			opt.Step(m.P, lr)
			step++
			lossSum += float64(loss) * float64(bt.M)
			masked += bt.M
			rep.Batch(j+1, float64(loss))
		}
		return lossSum / float64(masked), float64(lr), nil
	})
	if err != nil {
		return nil, err
	}
	res.Examples = nEx
	return res, nil
}

// randomWindow is a window of L items of seq at an offset drawn uniformly
// from every place it fits: an older window seen at a new place each
// epoch, so the model meets other neighbours of each item (the original
// BERT4Rec code's sliding windows and duplicated masks serve the same end).
func randomWindow(seq []int32, L int, rng *rand.Rand) []int32 {
	s := rng.IntN(len(seq) - L + 1)
	return seq[s : s+L]
}

// reserveTraining sizes ws once for the largest batch the windows can
// make (the B longest), so that buffers are not reallocated (and the old
// ones left to the garbage collector) as batches vary. The masked rows are
// bounded by their mean plus a wide margin; a batch beyond it just grows
// the buffers.
func reserveTraining(ws *workspace, m *Model, windows [][]int32, B int) {
	lens := make([]int, len(windows))
	for i, w := range windows {
		lens[i] = len(w)
	}
	slices.Sort(lens)
	N, att := 0, 0
	for _, L := range lens[max(0, len(lens)-B):] {
		N += L
		att += m.Cfg.NumHeads * L * L
	}
	M := min(N, int(m.Cfg.MaskProb*float64(N)+2*float64(B)+10*math.Sqrt(float64(N))))
	ws.reserve(m, N, M, att, N)
}

// checkWindow reports a window the model cannot take.
func checkWindow(w []int32, T, V int) error {
	if len(w) < 1 || len(w) > T {
		return fmt.Errorf("%d items, want 1..%d", len(w), T)
	}
	for _, it := range w {
		if it < 1 || int(it) > V {
			return fmt.Errorf("movie_idx %d outside 1..%d", it, V)
		}
	}
	return nil
}

// ScoreNext scores every item as the next one after each history:
// out[i*V + j] is the score of movie_idx j+1 after histories[i] (movie_idx,
// oldest first; only the last T-1 items are read, followed by [MASK]). out
// must hold len(histories)·V floats. Histories are processed in batches of
// min(Cfg.BatchSize, 64) (enough rows for efficient matrix products, little
// memory). It panics on a movie_idx outside 1..V. Not safe for
// concurrent use on one Model.
func (m *Model) ScoreNext(histories [][]int32, out []float32) {
	V, T, B := m.V, m.Cfg.MaxLen, min(m.Cfg.BatchSize, scoreBatch)
	n := m.scoreMasks()
	if len(out) < len(histories)*V {
		panic(fmt.Sprintf("bert4rec: ScoreNext: out has %d floats, need %d", len(out), len(histories)*V))
	}
	if m.infer == nil {
		m.infer = &inferState{}
	}
	st := m.infer
	if len(st.seqs) < B {
		st.seqs = make([]seqInput, B)
	}
	for i0 := 0; i0 < len(histories); i0 += B {
		hs := histories[i0:min(len(histories), i0+B)]
		for k, h := range hs {
			for _, it := range h {
				if it < 1 || int(it) > V {
					panic(fmt.Sprintf("bert4rec: ScoreNext: movie_idx %d outside 1..%d", it, V))
				}
			}
			nextInputs(&st.seqs[k], h, T, V, n)
		}
		st.b.pack(st.seqs[:len(hs)], T, V, m.Cfg.NumHeads)
		m.forward(&st.ws, &st.b, false, 0)
		st.logits = grow(st.logits, st.b.M*V)
		m.logits(st.logits, &st.ws, st.b.M)
		placeScores(out[i0*V:], st.logits, st.b.seqOf, n, V)
	}
}

// scoreMasks is how many [MASK] tokens score a history: Cfg.ScoreMasks,
// at least 1 and leaving at least one item of the history.
func (m *Model) scoreMasks() int { return min(max(1, m.Cfg.ScoreMasks), m.Cfg.MaxLen-1) }

// placeScores writes each history's scores at its place in out: logits
// holds n rows (V wide) per history, in packed order, with seqOf the
// history of each row. One row is copied as it is; n rows give the log of
// the mean probability (meanLogProb).
func placeScores(out, logits []float32, seqOf []int32, n, V int) {
	for r := 0; r < len(seqOf); r += n {
		dst := out[int(seqOf[r])*V : (int(seqOf[r])+1)*V]
		if n == 1 {
			copy(dst, logits[r*V:(r+1)*V])
			continue
		}
		meanLogProb(dst, logits[r*V:(r+n)*V], n, V)
	}
}

// meanLogProb sets dst[v] to the log of the mean over n rows of logits
// (each V wide) of the softmax probability of v. It overwrites logits.
func meanLogProb(dst, logits []float32, n, V int) {
	clear(dst)
	for j := range n {
		row := logits[j*V : (j+1)*V]
		hi := row[0]
		for _, x := range row {
			hi = max(hi, x)
		}
		inv := float32(1 / expShifted(row, hi))
		for v, e := range row {
			dst[v] += e * inv
		}
	}
	for v, p := range dst {
		dst[v] = float32(math.Log(float64(p) / float64(n)))
	}
}

// expShifted replaces each x of row by e^(x-hi) (hi: the row's largest)
// and returns their sum.
func expShifted(row []float32, hi float32) float64 {
	var z float32
	for v, x := range row {
		e := expNonPos(x - hi)
		row[v] = e
		z += e
	}
	return float64(z)
}

// expNonPos is e^x for x <= 0, in float32 to within a few units in the
// last place, and 0 where e^x is below 2^-126 (math.Exp in float64 took
// most of the scoring of several [MASK]s). x·log2(e) = k + f with k an
// integer and |f| <= 1/2; e^(f·ln 2) is its Taylor series to degree 6
// (remainder below 1.2e-7) and 2^k goes into the exponent bits.
func expNonPos(x float32) float32 {
	const log2e, ln2 = 1.4426950408889634, 0.6931471805599453
	t := x * log2e
	if !(t >= -126) { // also NaN
		return 0
	}
	k := -int32(0.5 - t) // round(t) for t <= 0
	r := (t - float32(k)) * ln2
	p := 1 + r*(1+r*(1.0/2+r*(1.0/6+r*(1.0/24+r*(1.0/120+r*(1.0/720))))))
	return math.Float32frombits(uint32(127+k)<<23) * p
}

// scoreBatch bounds the histories ScoreNext scores at once.
const scoreBatch = 64

// inferState is the reusable state of ScoreNext.
type inferState struct {
	ws     workspace
	b      batch
	seqs   []seqInput
	logits []float32
}
