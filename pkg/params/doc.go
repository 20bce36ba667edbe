// Package params loads params.yaml, the one file that holds every tunable
// value of the pipeline, and decodes each stage's section into its typed
// config, strictly.
//
// Several files may be layered (later ones override earlier ones key by
// key), and single values may be overridden with "key.path=value" strings,
// so that shell scripts and CI can change one number without editing the
// file.
//
// Loading refuses what cannot be meant: an empty file, a section name that
// is not one of Sections (a misspelt "model_trainig"), a section set to a
// plain value, a null value ("epochs:" or --set ...epochs=null) and an
// empty override (--set ...epochs=, an unset shell variable). Decoding a
// section refuses unknown keys, values of the wrong type (an integer key
// takes only integers: epochs 2.5 is an error, not 2) and values out of
// the key's range. Every range is bounded, so no params file can make a
// stage allocate without limit. Every error names where the value came
// from (file and line, or the --set flag), the key, the value and what is
// allowed:
//
//	params.yaml:31: model_training.bert4rec.epochs = 2.5: want an integer in [1, 100000]
//
// A section's keys are the fields of its config struct; each field says in
// its tags its key, its default (the value a section that leaves the key
// out gets), the values allowed and a one-line description:
//
//	Epochs int `yaml:"epochs" default:"50" range:"[1,100000]" doc:"at most; the best validation epoch is kept"`
//
// Adding a key to a section is adding one such field. The tags are the one
// place defaults live: DefaultsOf gives them, Table renders them for the
// manuals, and a test ties params.yaml and every manual to them.
package params
