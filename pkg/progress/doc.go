// Package progress reports the progress of long work (training epochs and
// the batches within them, or any counted loop) on stderr.
//
// On a terminal a Reporter redraws one status line in place with '\r', at
// most Options.Interval apart (default 100ms), and leaves one line per
// finished epoch behind it. Anywhere else (a log file, make's output, a
// CI runner) it writes exactly one greppable line per epoch and nothing per
// batch:
//
//	train-bert4rec: epoch 3/50 loss 7.1234 val ndcg@10 0.0812 elapsed 12.3s eta 3m12s
//
// Apart from the elapsed time and ETA, the text depends only on the values
// passed in (validation metrics are printed in sorted key order), so logs
// of two runs can be diffed and grepped.
//
// Typical use in a trainer:
//
//	p := progress.New(os.Stderr, "train-bert4rec", epochs)
//	for e := 1; e <= epochs; e++ {
//		p.StartEpoch(e, len(batches))
//		for j, b := range batches {
//			p.Batch(j+1, step(b))
//		}
//		p.EndEpoch(meanLoss, map[string]float64{"ndcg@10": val})
//	}
//	p.Done()
package progress
