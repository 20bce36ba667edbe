// Package synth writes synthetic MovieLens datasets of any size in a
// release's exact file format, for benchmarks and scale tests where the
// real data is too small, absent or too slow to fetch.
//
// The shapes are those recommenders meet in real logs: movie popularity
// follows a Zipf law (a few blockbusters, a long tail), user activity is
// heavy-tailed (log-normal, at least 20 ratings per user as in the
// releases), each user rates in sessions (bursts of ratings seconds apart,
// days or months between sessions), and ratings mix a per-movie quality, a
// per-user bias and noise. Titles carry the quirks the readers must handle:
// commas ("Good, the Bad and the Ugly, The"), double quotes, non-ASCII
// letters (ISO-8859-1 ones in ML-100K and ML-1M, which are Latin-1 files;
// others too in the UTF-8 csv releases), a year in parentheses or none.
//
// The same Config (seed included) writes byte-identical files.
package synth
