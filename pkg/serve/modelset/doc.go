// Package modelset holds one consistent set of what the application
// serves (the catalogue and the BERT4Rec, Two-Tower and semantic-search
// models), answers from it (live recommendations with reasons, similar
// movies, search), and replaces it when its files change.
//
// A request takes the current Set once (Holder.Current) and answers wholly
// from it, so a reload never mixes an old model with a new catalogue in
// one answer. Holder.Watch polls the files (size, modification time,
// inode): the pipeline replaces them by atomic renames, so a changed file
// is a complete new file. A new Set is loaded beside the old one and
// swapped in atomically; a file that fails to load keeps the old Set (the
// error is reported, the next change is tried again).
package modelset
