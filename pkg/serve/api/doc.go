// Package api is the application's HTTP interface: the JSON API under
// /api/ (docs/api.md), Prometheus metrics at /metrics, the charts of
// `make plots` under /reports/ and the embedded page at /.
//
// Every error is JSON {"error":{"code":..,"message":..}} with a message
// that names the parameter and value at fault and never internal error
// text: 400 for a malformed id, parameter or body (more than MaxBody
// bytes, unknown fields, trailing data), 404 for an unknown user, movie
// or route, 405 for a wrong method (with Allow), 500 only for a server
// fault (logged). A handler takes the current modelset.Set once, so a hot
// reload never mixes files within one answer.
package api
