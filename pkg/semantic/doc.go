// Package semantic is natural-language movie search, offline and in pure
// Go: the index the semantic stage builds (models/semantic.bin) and the
// queries it answers ("godfather", "pulp fictoin", "animated movie for
// kids", "90s sci-fi about space", "movies like Star Wars").
//
// # Index
//
// Build makes an Index from the processed tables and the features stage's
// outputs (Inputs, ReadInputs): for every movie its id, titles, year,
// genres and popularity; the lexical index (the normalised words of the
// clean titles, their IDF over titles, and the padded trigrams of every
// title word, for typo candidates); the movies' text embeddings and the
// text encoder that embeds a query into the same space (so a search needs
// only the index file); and every movie's co-occurrence neighbours, counted
// over the train and validation ratings only (test rows are counted and
// ignored). Save writes it as a pkg/modelfile file of kind "semantic"
// (magic, version, length, JSON header, float32 tensors, SHA-256); Load
// refuses a truncated, altered, foreign or inconsistent file with an error
// saying to rebuild it.
//
// Words are normalised the same way for titles and queries: lower case,
// accents folded (textembed.Words), Roman numerals II..VIII as digits
// ("godfather 2"), runs of single letters joined ("E.T." -> "et",
// "M*A*S*H" -> "mash").
//
// # Scoring a query
//
// Search reads a query in one of two modes.
//
// A free-text query (mode "search") adds weighted components, each in
// [0, 1] (the weights are Config, from params.yaml):
//
//   - lexical: each query word matches title words exactly (1), by a crude
//     singular (StemSimilarity), or one edit away for words of 4 to 7
//     letters and two for 8 or more (TypoSimilarity per edit; edits are
//     optimal-string-alignment: insert, delete, substitute, swap two
//     neighbours), candidates found through the trigram index. With IDF
//     weights, stop words scaled by StopwordWeight, queryCoverage is the
//     share of the query found in the title and titleCoverage the share of
//     the title found in the query: lexical = queryCoverage² × (1-λ + λ ×
//     titleCoverage), λ = TitleCoverageShare. So "silence of lambs" finds
//     "The Silence of the Lambs" (a missing article costs little) and
//     "godfather" prefers "The Godfather" to "The Godfather: Part II".
//   - embedding: the cosine of the query's text embedding with each
//     movie's (an unknown word is first replaced by the title word it
//     matches, so "godfater" embeds as "godfather"); descriptive words such
//     as "space" or "detective" work through it, because the features
//     stage puts curated genre words in the movies' documents.
//   - genre: the share of the asked genres the movie has. Cues are a short
//     list of unambiguous words and phrases ("scary" -> Horror, "kids" ->
//     Children's, "sci-fi", "film noir", "rom com"; see genreCues).
//   - era: 1 inside the asked years, falling to 0 at EraToleranceYears
//     outside ("90s", "1990s", "nineties", "early 80s", "before 1970",
//     "since 1990", "1994", "classic", "recent"); a four-digit number that
//     is a title word ("2001") stays a title word.
//   - popularity: train+validation popularity, so that among movies that
//     fit equally well the well-known ones come first.
//   - related: for a title query (best lexical match >= LikeMinTitleMatch),
//     the co-occurrence neighbours of the best title, scaled by how well it
//     matched and by how little of their own title matched, so the title
//     comes first, then its sequels and what its viewers watched.
//
// When every content word of the query is a genre or era cue ("animated
// movie for kids"), the lexical component is scaled by IntentLexicalShare,
// so the drama "Kids" does not win; otherwise cue words are left out of the
// query coverage ("star wars sci-fi" still matches "Star Wars" fully).
//
// "movies like X", "films similar to X", "something like X" (mode "like")
// resolve X to its best-matching title (lexical score at least
// LikeMinTitleMatch and better than the whole query's, so "Like Water for
// Chocolate" stays a title query) and rank by X's co-occurrence neighbours
// (weight relative to X's best neighbour) and the min-max normalised
// embedding cosine with X, plus genre and era cues from the words before
// "like" and popularity. X itself is never returned.
//
// Only movies with some relevance (a nonzero component other than
// popularity) are returned, best first, ties by lower movie id; a query
// that matches nothing returns no results. Result.Parts holds each
// weighted component; they add up to Score.
//
// # Personal blend
//
// With Options.Personal (search --user), the best Config.UserPool search
// results the user has not rated are re-ranked by SemanticWeight × the
// min-max normalised search score + PersonalWeight × the min-max
// normalised model score (both over the pool, weights scaled to sum 1).
// PersonalScores opens a model file by its kind through pkg/recommend;
// RatedMovies gives the user's rated movies in every split.
//
// # Quality
//
// quality.go holds a suite of queries with known answers on MovieLens
// 100K (title queries with typos and missing articles, descriptive
// queries, "movies like" queries) and Evaluate runs it. The tests require
// every case to pass on the real data; the semantic stage writes the
// outcome to metrics/semantic.json.
//
// Errors of a bad query wrap ErrEmptyQuery, ErrQueryTooLong (over
// MaxQueryBytes), ErrInvalidUTF8 or ErrBadK; an unknown user wraps
// ErrUnknownUser and a missing model ErrNoModel. Nothing here panics on
// input, and an Index is safe for concurrent searches.
package semantic
