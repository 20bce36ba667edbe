package twotower

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/moviegenie/pipeline/pkg/nn"
	"github.com/moviegenie/pipeline/pkg/trainer"
)

// adamEps is Adam's epsilon (PyTorch's default).
const adamEps = 1e-8

// Pair is one training example: a user (user_idx) and a movie of the
// user's train part (movie row = movie_idx-1).
type Pair struct {
	User  int32
	Movie int32
}

// Options are the hooks of Train: Validate's metrics pick the best epoch
// by Config.SelectMetric.
type Options = trainer.Options[*Model]

// Result summarises a training run; an epoch's Loss is the mean in-batch
// softmax loss over its pairs.
type Result = trainer.Result

// workspace holds the buffers of a forward and backward pass.
type workspace struct {
	user, item towerActs
	ub         userBatch // the distinct user rows of the batch
	pu         []int32   // [B] user_idx of each pair
	pc         []bool    // [B] pair shown as a cold-start user
	upos       []int32   // [B] index of each pair's user row in ub
	uslot      []int32   // [2U] index in ub of (user, cold), -1 if absent
	u, du      []float32 // [B, D] user vectors of the batch's rows, their gradients
	text       []float32 // [B, T] gathered text embeddings
	rows       []int32   // [B] movie rows of the batch's pairs
	uniq       []int32   // the distinct movie rows, in order of first appearance
	pos        []int32   // [B] index of rows[i] in uniq
	slot       []int32   // [N] index in uniq of a movie row, -1 if absent
	v, dv      []float32 // [B, D] movie vectors of the batch's columns, their gradients
	lq         []float32 // [B] α·log Q of each column
	// Mixed negatives (Config.UniformNegatives): the softmax runs over the
	// distinct movies uniq of the batch and the uniform draws.
	iota, target []int32   // [B] row indices, index in uniq of each row's movie
	nu           int       // distinct user rows in ub
	wc, cb, dcb  []float32 // [K, D] movie vectors / τ, [K] column biases and their gradients
	// With an item bias, the softmax runs on [y_u, τ] and [y_v, b_v]
	// (D+1 wide), so that u'·v'/τ = y_u·y_v/τ + b_v.
	up, vp, dup, dvp []float32
}

func (ws *workspace) size(m *Model, B int, grads bool) {
	ws.user.size(&m.user, B, grads)
	K := B // movie-tower rows
	if u := m.Cfg.UniformNegatives; u > 0 {
		K = min(B+u, m.Sizes.Movies)
		ws.iota, ws.target = grow32(ws.iota, B), grow32(ws.target, B)
		for i := range ws.iota {
			ws.iota[i] = int32(i)
		}
		ws.wc, ws.cb, ws.dcb = growF(ws.wc, K*m.Cfg.D()), growF(ws.cb, K), growF(ws.dcb, K)
	}
	ws.item.size(&m.item, K, grads)
	ws.ub.reset(B, m.Sizes.Genres)
	ws.pu, ws.upos = grow32(ws.pu, B), grow32(ws.upos, B)
	if cap(ws.pc) < B {
		ws.pc = make([]bool, B)
	}
	ws.pc = ws.pc[:B]
	if len(ws.uslot) != 2*m.Sizes.Users {
		ws.uslot = make([]int32, 2*m.Sizes.Users)
		for i := range ws.uslot {
			ws.uslot[i] = -1
		}
	}
	ws.text = growF(ws.text, B*m.Sizes.TextWidth)
	ws.rows, ws.uniq, ws.pos = grow32(ws.rows, B), grow32(ws.uniq, K)[:0], grow32(ws.pos, B)
	ws.text = growF(ws.text, K*m.Sizes.TextWidth)
	if len(ws.slot) != m.Sizes.Movies {
		ws.slot = make([]int32, m.Sizes.Movies)
		for i := range ws.slot {
			ws.slot[i] = -1
		}
	}
	D := m.Cfg.D()
	ws.v, ws.dv = growF(ws.v, B*D), growF(ws.dv, B*D)
	ws.u, ws.du = growF(ws.u, B*D), growF(ws.du, B*D)
	ws.lq = growF(ws.lq, B)
	D1 := D + 1
	ws.up, ws.vp, ws.dup, ws.dvp = growF(ws.up, B*D1), growF(ws.vp, B*D1), growF(ws.dup, B*D1), growF(ws.dvp, B*D1)
}

// LogQ returns log Q(n) for every movie row: the log of the share of the
// pairs whose movie is n (the chance that n is a batch row's positive).
// Movies without a pair get log(0.5/len(pairs)), below every drawn movie.
func LogQ(pairs []Pair, N int) []float32 {
	count := make([]float64, N)
	for _, p := range pairs {
		count[p.Movie]++
	}
	out := make([]float32, N)
	n := float64(max(1, len(pairs)))
	for i, c := range count {
		out[i] = float32(math.Log(max(c, 0.5) / n))
	}
	return out
}

// userTower runs the user tower on the batch's users (ws.pu, ws.pc): once
// per distinct (user, cold-start) row, whose vectors are then copied to
// every pair of the row, ws.u [B, D]. meanAff is the cold-start affinity.
func (m *Model) userTower(ws *workspace, B int, meanAff []float32, p float32, seed uint64) {
	D, G := m.Cfg.D(), m.Sizes.Genres
	n := 0
	for i, u := range ws.pu[:B] {
		key := 2 * u
		if ws.pc[i] {
			key++
		}
		if ws.uslot[key] < 0 {
			ws.uslot[key] = int32(n)
			ws.ub.set(n, G, m.userRow(m.Users, int(u), ws.pc[i], meanAff))
			n++
		}
		ws.upos[i] = ws.uslot[key]
	}
	for i, u := range ws.pu[:B] {
		key := 2 * u
		if ws.pc[i] {
			key++
		}
		ws.uslot[key] = -1
	}
	ws.nu = n
	m.userForward(&ws.user, &ws.ub, n, p, seed)
	for i, k := range ws.upos[:B] {
		copy(ws.u[i*D:(i+1)*D], ws.user.y[int(k)*D:int(k+1)*D])
	}
}

// userTowerBackward sums the rows' gradients ws.du per distinct user row
// and runs the user tower's backward pass.
func (m *Model) userTowerBackward(ws *workspace, B int, p float32) {
	D := m.Cfg.D()
	dy := ws.user.dy[:ws.nu*D]
	clear(dy)
	for i, k := range ws.upos[:B] {
		d, g := dy[int(k)*D:int(k+1)*D], ws.du[i*D:(i+1)*D]
		for j, x := range g {
			d[j] += x
		}
	}
	m.userBackward(&ws.user, &ws.ub, ws.nu, p)
}

// itemTower runs the movie tower on the batch's movies: once per distinct
// movie (a popular movie is often several pairs' positive), whose vectors
// are then copied to every column of the movie, ws.v [B, D]. Movies
// repeated in a batch share their dropout mask.
func (m *Model) itemTower(ws *workspace, B int, p float32, seed uint64) {
	D := m.Cfg.D()
	ws.uniq = ws.uniq[:0]
	for i, r := range ws.rows[:B] {
		if ws.slot[r] < 0 {
			ws.slot[r] = int32(len(ws.uniq))
			ws.uniq = append(ws.uniq, r)
		}
		ws.pos[i] = ws.slot[r]
	}
	for _, r := range ws.uniq {
		ws.slot[r] = -1
	}
	m.itemForward(&ws.item, ws.uniq, ws.text, p, seed)
	for i, k := range ws.pos[:B] {
		copy(ws.v[i*D:(i+1)*D], ws.item.y[int(k)*D:int(k+1)*D])
	}
}

// itemTowerBackward sums the columns' gradients ws.dv per distinct movie
// and runs the movie tower's backward pass.
func (m *Model) itemTowerBackward(ws *workspace, B int, p float32) {
	D := m.Cfg.D()
	dy := ws.item.dy[:len(ws.uniq)*D]
	clear(dy)
	for i, k := range ws.pos[:B] {
		d, g := dy[int(k)*D:int(k+1)*D], ws.dv[i*D:(i+1)*D]
		for j, x := range g {
			d[j] += x
		}
	}
	m.itemBackward(&ws.item, ws.uniq, ws.text, p)
}

// mixedTower runs the movie tower on the distinct movies of the batch and
// of extra (uniform draws), ws.uniq; ws.target[i] is the index of row i's
// movie in it.
func (m *Model) mixedTower(ws *workspace, B int, extra []int32, p float32, seed uint64) {
	ws.uniq = ws.uniq[:0]
	add := func(r int32) int32 {
		if ws.slot[r] < 0 {
			ws.slot[r] = int32(len(ws.uniq))
			ws.uniq = append(ws.uniq, r)
		}
		return ws.slot[r]
	}
	for i, r := range ws.rows[:B] {
		ws.target[i] = add(r)
	}
	for _, r := range extra {
		add(r)
	}
	for _, r := range ws.uniq {
		ws.slot[r] = -1
	}
	m.itemForward(&ws.item, ws.uniq, ws.text, p, seed)
}

// mixedLoss is the sampled softmax over the distinct movies ws.uniq (K of
// them): row i's logits are u_i·v_k/τ + b_k − α·logPi[uniq[k]], its
// positive is its own movie. logPi is the log of each movie's chance of
// being among the candidates. With grads it leaves the gradients in
// ws.user.dy and ws.item.dy and accumulates the item bias's.
func (m *Model) mixedLoss(ws *workspace, B int, logPi []float32, grads bool) float32 {
	D, K := m.Cfg.D(), len(ws.uniq)
	inv := float32(1 / m.Cfg.Temperature)
	a := float32(m.Cfg.LogQWeight)
	wc, cb := ws.wc[:K*D], ws.cb[:K]
	for k, r := range ws.uniq {
		for j, x := range ws.item.y[k*D : (k+1)*D] {
			wc[k*D+j] = x * inv
		}
		cb[k] = -a * logPi[r]
		if m.itemBias != nil {
			cb[k] += m.itemBias.W[r]
		}
	}
	if !grads {
		return nn.SoftmaxCrossEntropy(ws.u[:B*D], ws.iota[:B], ws.target[:B], wc, cb, D, K, nil, nil, nil)
	}
	du, dv, dcb := ws.du[:B*D], ws.item.dy[:K*D], ws.dcb[:K]
	clear(du)
	clear(dv)
	clear(dcb)
	l := nn.SoftmaxCrossEntropy(ws.u[:B*D], ws.iota[:B], ws.target[:B], wc, cb, D, K, du, dv, dcb)
	for i := range dv { // d/dv = d/d(v/τ) / τ
		dv[i] *= inv
	}
	if m.itemBias != nil {
		for k, r := range ws.uniq {
			m.itemBias.G[r] += dcb[k]
		}
	}
	return l
}

// LogInclusion returns, for every movie, the log of its chance of being
// among the candidates of a batch of B pairs plus M uniform draws: each of
// the B+M draws takes movie j with probability q_j = (B·Q_j + M/N)/(B+M),
// so j is drawn at least once with probability 1 − (1 − q_j)^(B+M). With
// M >= N every movie is a candidate (log 1 = 0).
func LogInclusion(logQ []float32, B, M int) []float32 {
	N := len(logQ)
	out := make([]float32, N)
	if M >= N {
		return out
	}
	S := float64(B + M)
	for j, lq := range logQ {
		q := (float64(B)*math.Exp(float64(lq)) + float64(M)/float64(N)) / S
		out[j] = float32(math.Log(-math.Expm1(S * math.Log1p(-q))))
	}
	return out
}

// loss computes the in-batch softmax loss of the B pairs whose vectors ws
// holds (users ws.user.y, movies ws.v of movie rows ws.rows), with the
// log-Q correction α·logQ; with grads it leaves the gradients in
// ws.user.dy and ws.dv and accumulates the item bias's.
func (m *Model) loss(ws *workspace, B int, logQ []float32, grads bool) float32 {
	D, tau := m.Cfg.D(), float32(m.Cfg.Temperature)
	rows := ws.rows[:B]
	var lq []float32
	if a := float32(m.Cfg.LogQWeight); a != 0 {
		lq = ws.lq[:B]
		for j, r := range rows {
			lq[j] = a * logQ[r]
		}
	}
	if m.itemBias == nil {
		var du, dv []float32
		if grads {
			du, dv = ws.du[:B*D], ws.dv[:B*D]
			clear(du)
			clear(dv)
		}
		return nn.InBatchSoftmax(ws.u, ws.v, B, D, tau, lq, rows, du, dv)
	}
	D1 := D + 1
	for i, r := range rows {
		copy(ws.up[i*D1:i*D1+D], ws.u[i*D:(i+1)*D])
		ws.up[i*D1+D] = tau
		copy(ws.vp[i*D1:i*D1+D], ws.v[i*D:(i+1)*D])
		ws.vp[i*D1+D] = m.itemBias.W[r]
	}
	var du, dv []float32
	if grads {
		du, dv = ws.dup[:B*D1], ws.dvp[:B*D1]
		clear(du)
		clear(dv)
	}
	l := nn.InBatchSoftmax(ws.up, ws.vp, B, D1, tau, lq, rows, du, dv)
	if grads {
		for i, r := range rows {
			copy(ws.du[i*D:(i+1)*D], du[i*D1:i*D1+D])
			copy(ws.dv[i*D:(i+1)*D], dv[i*D1:i*D1+D])
			m.itemBias.G[r] += dv[i*D1+D]
		}
	}
	return l
}

// dropoutSeeds returns the dropout seeds of the user and movie towers at
// a step (each layer adds its index).
func (m *Model) dropoutSeeds(step int) (user, item uint64) {
	base := uint64(m.Cfg.Seed)<<40 ^ uint64(step)<<8
	return base, base | 0x80
}

// Train trains m on pairs for up to m.Cfg.Epochs epochs with AdamW. Every
// random choice (pair order, cold-start rows, dropout) comes from
// m.Cfg.Seed, so the same model, data and config give bit-identical
// weights with the default matrix backend on any core count and any
// CPU with AVX2 and FMA (README, "Reproducibility"). It returns
// an error if a pair is out of range, the loss stops being finite or
// Validate fails.
func Train(m *Model, pairs []Pair, opts Options) (*Result, error) {
	cfg := m.Cfg
	if len(pairs) == 0 {
		return nil, fmt.Errorf("no training pairs")
	}
	U, N := m.Sizes.Users, m.Sizes.Movies
	for i, p := range pairs {
		if p.User < 0 || int(p.User) >= U || p.Movie < 0 || int(p.Movie) >= N {
			return nil, fmt.Errorf("pair %d: user_idx %d movie row %d outside %d users × %d movies", i, p.User, p.Movie, U, N)
		}
	}
	B := cfg.BatchSize
	stepsPerEpoch := (len(pairs) + B - 1) / B
	sched := cfg.schedule(cfg.Epochs * stepsPerEpoch)
	opt := newOptimizer(m)
	logQ := LogQ(pairs, N)
	M := cfg.UniformNegatives
	var logPi []float32
	var extra []int32
	if M > 0 {
		logPi = LogInclusion(logQ, B, M)
		if M < N {
			extra = make([]int32, M)
		} else {
			extra = make([]int32, N) // the whole catalogue
			for i := range extra {
				extra[i] = int32(i)
			}
		}
	}
	meanAff := m.meanAffinity()
	p := float32(cfg.Dropout)

	ws := &workspace{}
	ws.size(m, B, true)
	order := make([]int, len(pairs))
	step := 0
	loop := trainer.Loop[*Model]{
		Model: m, Options: opts,
		Epochs: cfg.Epochs, EvalEvery: 1, Patience: cfg.Patience, SelectMetric: cfg.SelectMetric,
		StepsPerEpoch: stepsPerEpoch, Weights: [][]float32{m.P.Data, m.Emb.Data},
	}
	res, err := loop.Run(func(epoch int, rep trainer.Reporter) (float64, float64, error) {
		rng := rand.New(rand.NewPCG(uint64(cfg.Seed), uint64(epoch)))
		for i := range order {
			order[i] = i
		}
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		var lossSum float64
		var lr float32
		for j := 0; j < stepsPerEpoch; j++ {
			chunk := order[j*B : min(len(order), (j+1)*B)]
			nb := len(chunk)
			for k, idx := range chunk {
				pr := pairs[idx]
				ws.pu[k], ws.pc[k] = pr.User, cfg.ColdStartRate > 0 && rng.Float64() < cfg.ColdStartRate
				ws.rows[k] = pr.Movie
			}
			opt.zeroGrad(m)
			su, si := m.dropoutSeeds(step)
			m.userTower(ws, nb, meanAff, p, su)
			opt.use(0, ws.ub.id[:ws.nu])
			var loss float32
			if M > 0 {
				if M < N {
					for k := range extra {
						extra[k] = int32(rng.IntN(N))
					}
				}
				m.mixedTower(ws, nb, extra, p, si)
				loss = m.mixedLoss(ws, nb, logPi, true)
			} else {
				m.itemTower(ws, nb, p, si)
				loss = m.loss(ws, nb, logQ, true)
			}
			opt.use(1, ws.uniq)
			if math.IsNaN(float64(loss)) || math.IsInf(float64(loss), 0) {
				return 0, 0, fmt.Errorf("training diverged: loss %v at epoch %d step %d (lower learning_rate or raise temperature)", loss, epoch, step)
			}
			m.userTowerBackward(ws, nb, p)
			if M > 0 {
				m.itemBackward(&ws.item, ws.uniq, ws.text, p)
			} else {
				m.itemTowerBackward(ws, nb, p)
			}
			lr = sched.LR(step)
			opt.step(m, lr)
			step++
			lossSum += float64(loss) * float64(nb)
			rep.Batch(j+1, float64(loss))
		}
		return lossSum / float64(len(pairs)), float64(lr), nil
	})
	if err != nil {
		return nil, err
	}
	res.Examples = len(pairs)
	return res, nil
}
