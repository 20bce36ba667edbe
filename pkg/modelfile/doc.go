// Package modelfile reads and writes Movie Genie model files: one
// self-describing, checksummed binary file per trained model.
//
// # Layout
//
// All integers are little-endian. A string is a uint32 byte length followed
// by the bytes.
//
//	magic          8 bytes  "MGMODEL\x00"
//	format version uint32   FormatVersion (the layout of this file)
//	file length    uint64   total size of the file in bytes, trailer included
//	kind           string   model kind, e.g. "bert4rec"
//	kind version   uint32   version of that kind's header and tensors
//	header         string   JSON: config, vocabulary, ... (whatever the kind needs)
//	tensor count   uint32
//	per tensor:
//	  name         string
//	  rank         uint32
//	  shape        rank × uint64
//	  data         float32 × prod(shape), row-major
//	trailer        32 bytes SHA-256 of everything before it
//
// The file length (an addition to the layout sketched in docs/nn-api.md)
// lets Read tell a truncated file from one with a flipped byte: without it a
// corrupt length field looks just like a file that stops early.
//
// # Checks
//
// Read checks, in order: magic, completeness (truncation), the SHA-256
// checksum, the format version, the kind and the kind version, then decodes.
// Each failure is an error wrapping one of the sentinel errors (ErrBadMagic,
// ErrTruncated, ErrChecksum, ErrFormatVersion, ErrWrongKind,
// ErrKindVersion), prefixed with the path and saying what to do.
//
// Write goes through pkg/atomicfile: a temporary file in the same directory,
// synced and renamed, so an interrupted write never leaves a partial model.
package modelfile
