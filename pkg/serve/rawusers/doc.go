// Package rawusers finds the largest user id of a raw dataset folder (the
// users file and every rating), so that the app gives its new users ids
// above every user of the raw data: the k-core filter drops users, and an
// app user given a dropped user's id would have that user's ratings
// merged into theirs when the app's ratings go back into the pipeline
// (serve export, data_processing.extra_ratings).
package rawusers
