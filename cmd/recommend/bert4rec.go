package main

import "github.com/moviegenie/pipeline/pkg/bert4rec"

// BERT4Rec: importing the package registers the "bert4rec" kind with
// pkg/recommend; it takes --user or --history and no flags of its own.
func init() {
	extensions = append(extensions, extension{
		usageErrors: []error{bert4rec.ErrUnknownUser, bert4rec.ErrUnknownMovie, bert4rec.ErrNoHistory, bert4rec.ErrBadK},
	})
}
