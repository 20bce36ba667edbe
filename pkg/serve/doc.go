// Package serve is the root of the Movie Genie application: the HTTP API
// and web page over the pipeline's database and live models (cmd/serve).
// Its sub-packages each do one job:
//
//   - catalog: the read-only catalogue (data/moviegenie.db) held in memory;
//   - appstore: the app's own durable store of users and ratings, and
//     their export back into the pipeline;
//   - modelset: one consistent set of catalogue and models, live
//     recommendations from it, and hot reload when the files change;
//   - api: the JSON API and its errors, metrics and routing;
//   - web: the embedded page;
//   - loadtest: the bounded load generator behind `make loadtest`.
package serve
