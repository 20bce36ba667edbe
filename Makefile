# Movie Genie: MovieLens 100K -> parquet tables -> features -> models -> SQLite.
#
# Every step is a rule from files to files; GNU Make's timestamps are the
# dependency graph. A stage reruns when one of its inputs, its own code (the
# Go packages its binary is built from) or its own section of params.yaml
# changes, and only then. `make help` lists the targets; `make -n` is the
# status: after a full build it has nothing to do.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
MAKEFLAGS += --warn-undefined-variables --no-builtin-rules
.DEFAULT_GOAL := all
# No .DELETE_ON_ERROR, on purpose: every stage binary writes its outputs to
# temporary files and renames them (metrics file last), so a failed or
# killed stage never leaves a half-written file, and Make reruns it because
# its metrics file is older than its inputs. GNU Make 4.3's .DELETE_ON_ERROR
# would instead delete the untouched previous outputs of a grouped rule
# (a &: b &: c) when its recipe fails, losing good files for nothing.
.SUFFIXES:

#? Variables (set on the command line: make all ML100K_DIR=../shared/data/ml-100k)
#?   ML100K_DIR       use this existing MovieLens 100K copy instead of downloading
#?   PARAMS           params file (default params.yaml)
#?   PARAMS_OVERRIDE  a second params file layered on top, key by key
#?   SET              single overrides, e.g. SET='model_training.bert4rec.epochs=5'
#?   DB               the SQLite database to build (default data/moviegenie.db)
#?   BLAS             go | openblas: force the matrix-product backend
ML100K_DIR ?=
PARAMS ?= params.yaml
PARAMS_OVERRIDE ?=
SET ?=
DB ?= data/moviegenie.db
BLAS ?=
GO ?= go
T ?=
REV ?=
RUN ?=

export MOVIEGENIE_BLAS := $(BLAS)

# Build tags: the OpenBLAS matrix backend is compiled in when the library is
# installed (scripts/blas-tags.sh), else the pure-Go one is used.
BLAS_TAGS := $(shell scripts/blas-tags.sh 2>/dev/null)
GOBUILD := $(GO) build -trimpath $(if $(BLAS_TAGS),-tags '$(BLAS_TAGS)')

PARAMS_ARGS := --params $(PARAMS) $(if $(PARAMS_OVERRIDE),--params $(PARAMS_OVERRIDE)) $(foreach s,$(SET),--set $(s))

# ---------------------------------------------------------------------------
# Binaries: bin/NAME from cmd/NAME. build/godeps.mk lists, for each binary,
# the files of the packages it is built from, so a change to one package
# rebuilds only the binaries (and so reruns only the stages) that use it.
BINARIES := $(notdir $(wildcard cmd/*))
GO_SOURCES := $(shell find cmd pkg -type f 2>/dev/null) go.mod go.sum

build/godeps.mk: $(GO_SOURCES) scripts/godeps.sh
	@mkdir -p $(@D)
	@scripts/godeps.sh '$(BLAS_TAGS)' $(BINARIES) > $@.tmp && mv $@.tmp $@
include build/godeps.mk

# A source file deleted since the last scan is not an error (like gcc -MP).
$(sort $(GO_SOURCES) $(GODEPS_FILES)):

bin/%:
	$(GOBUILD) -o $@ ./cmd/$*

# ---------------------------------------------------------------------------
# Params: one stamp file per section (build/params/<section>.json). Each
# stage records in its metrics file the params it was built with; the stamp
# is made new when the current section differs from those, and old (1970)
# when they are equal, so a stage reruns exactly when its own params changed
# since it last ran (editing a value and changing it back reruns nothing).
# The stamps are refreshed by remaking build/params.mk, which GNU Make does
# before anything else on every run, even under -n, so `make -n` sees param
# edits too.
PARAM_SECTIONS := data_processing=metrics/process.json feature_engineering=metrics/features.json model_training.bert4rec=metrics/bert4rec.json model_training.two_tower=metrics/twotower.json semantic_search=metrics/semantic.json database=metrics/dbsetup.json

build/params.mk: bin/pipeline FORCE
	@bin/pipeline $(PARAMS_ARGS) params-stamps --dir build/params $(PARAM_SECTIONS)
	@test -f $@ || echo '# build/params/*.json are refreshed by bin/pipeline params-stamps on every make run' > $@
include build/params.mk

# (FORCE is a plain target, not .PHONY: a phony prerequisite of an included
# makefile would make Make re-execute itself endlessly.)
FORCE:

stamp = build/params/$(1).json

# ---------------------------------------------------------------------------
# Stage 0: raw data, downloaded or copied from ML100K_DIR, verified against
# checksums/ml-100k.sha256.
RAW_DIR := data/raw/ml-100k
RAW := $(addprefix $(RAW_DIR)/,u.data u.item u.user u.genre u.occupation README)

$(RAW) &: checksums/ml-100k.sha256 | bin/pipeline
	bin/pipeline fetch-data --dir $(RAW_DIR) --checksums $< $(if $(ML100K_DIR),--from '$(ML100K_DIR)')

# Stage 1: process -> typed parquet tables, k-core filter, train/test split.
PROCESSED := data/processed
PROCESSED_OUT := $(addprefix $(PROCESSED)/,movies.parquet users.parquet ratings.parquet sequences.parquet genres.parquet occupations.parquet)
STAGES := process
process_IN := $(RAW) $(call stamp,data_processing)
process_OUT := $(PROCESSED_OUT) metrics/process.json

$(process_OUT) &: bin/process $(process_IN)
	bin/process $(PARAMS_ARGS) --raw $(RAW_DIR) --out $(PROCESSED) --metrics metrics/process.json

# Stage 2: features -> movie/user features, text embeddings, model inputs.
FEATURES := data/features
FEATURES_OUT := $(addprefix $(FEATURES)/,movie_features.parquet user_features.parquet text_embeddings.parquet text_encoder.bin train_sequences.parquet bert4rec_windows.parquet twotower_pairs.parquet)
STAGES += features
features_IN := $(PROCESSED_OUT) $(call stamp,feature_engineering)
features_OUT := $(FEATURES_OUT) metrics/features.json

$(features_OUT) &: bin/features $(features_IN)
	bin/features $(PARAMS_ARGS) --processed $(PROCESSED) --out $(FEATURES) --metrics metrics/features.json

# Stage 3a: BERT4Rec.
STAGES += train-bert4rec
train-bert4rec_IN := $(FEATURES_OUT) $(PROCESSED)/sequences.parquet $(call stamp,model_training.bert4rec)
train-bert4rec_OUT := models/bert4rec.bin data/recs/bert4rec.parquet metrics/bert4rec.json

$(train-bert4rec_OUT) &: bin/train-bert4rec $(train-bert4rec_IN)
	bin/train-bert4rec $(PARAMS_ARGS) --processed $(PROCESSED) --features $(FEATURES) --model models/bert4rec.bin --recs data/recs/bert4rec.parquet --metrics metrics/bert4rec.json

# Stage 3b: Two-Tower.
STAGES += train-twotower
train-twotower_IN := $(FEATURES_OUT) $(PROCESSED)/sequences.parquet $(call stamp,model_training.two_tower)
train-twotower_OUT := models/twotower.bin data/recs/twotower.parquet data/vectors/twotower_movies.parquet data/vectors/twotower_users.parquet metrics/twotower.json

$(train-twotower_OUT) &: bin/train-twotower $(train-twotower_IN)
	bin/train-twotower $(PARAMS_ARGS) --processed $(PROCESSED) --features $(FEATURES) --model models/twotower.bin --recs data/recs/twotower.parquet --vectors data/vectors --metrics metrics/twotower.json

# Stage 4: semantic search index.
STAGES += semantic
semantic_IN := $(FEATURES_OUT) $(PROCESSED_OUT) $(call stamp,semantic_search)
semantic_OUT := models/semantic.bin metrics/semantic.json

$(semantic_OUT) &: bin/semantic $(semantic_IN)
	bin/semantic $(PARAMS_ARGS) build --processed $(PROCESSED) --features $(FEATURES) --out models/semantic.bin --metrics metrics/semantic.json

# Only stages whose code exists take part (the pipeline grows stage by stage).
LIVE_STAGES := $(foreach s,$(STAGES),$(if $(wildcard cmd/$(s)),$(s)))
MODEL_RECS := $(filter data/recs/%,$(foreach s,$(LIVE_STAGES),$($(s)_OUT)))
MODEL_VECTORS := $(filter data/vectors/%_movies.parquet,$(foreach s,$(LIVE_STAGES),$($(s)_OUT)))

# Stage 5: the SQLite database the application reads.
ifneq ($(wildcard cmd/dbsetup),)
STAGES += dbsetup
LIVE_STAGES += dbsetup
dbsetup_IN := $(call stamp,database) $(PROCESSED_OUT) $(MODEL_RECS) $(MODEL_VECTORS) $(FEATURES)/text_embeddings.parquet $(filter-out metrics/dbsetup.json,$(filter metrics/%,$(foreach s,$(LIVE_STAGES),$($(s)_OUT))))
dbsetup_OUT := $(DB) metrics/dbsetup.json

$(dbsetup_OUT) &: bin/dbsetup $(dbsetup_IN)
	bin/dbsetup $(PARAMS_ARGS) --processed $(PROCESSED) --recs data/recs --vectors data/vectors --features $(FEATURES) --metrics-dir metrics --db $(DB) --metrics metrics/dbsetup.json
endif

ALL_OUT := $(foreach s,$(LIVE_STAGES),$($(s)_OUT))
ALL_METRICS := $(filter metrics/%,$(ALL_OUT))
RUN_HISTORY := $(if $(wildcard pkg/monitor),runs/.last)

# ---------------------------------------------------------------------------
.PHONY: all
#? all: run every stage whose inputs, code or params changed
all: $(ALL_OUT) $(RUN_HISTORY)

# Each finished run's metrics are kept under runs/ so metrics-diff needs no git.
runs/.last: $(ALL_METRICS)
	bin/pipeline runs-save --dir metrics --runs runs
	@touch $@

.PHONY: data process features
#? data: just the raw files
data: $(RAW)
#? process: just the processed tables
process: $(process_OUT)
#? features: up to the features stage
features: $(features_OUT)

.PHONY: dag
#? dag: print the stage graph (stage: inputs -> outputs)
dag:
	@$(foreach s,$(LIVE_STAGES),printf '%s\n  needs: %s\n  makes: %s\n' '$(s)' '$(filter-out build/%,$($(s)_IN)) $(if $(filter build/%,$($(s)_IN)),params:$(patsubst build/params/%.json,%,$(filter build/params/%,$($(s)_IN))))' '$($(s)_OUT)';)

.PHONY: why
#? why: say why T=<target> would be rebuilt (newer inputs, changed params)
why:
	@test -n '$(T)' || { echo 'usage: make why T=<target>'; exit 2; }
	@$(MAKE) --no-print-directory -n --debug=b $(T) 2>&1 | bin/pipeline why --target '$(T)'

.PHONY: status
#? status: what `make all` would do now (same as make -n all)
status:
	@$(MAKE) --no-print-directory -n all

.PHONY: test
#? test: unit tests (both matrix backends) and the scripted Make behaviour test
test:
	$(GO) vet $(if $(BLAS_TAGS),-tags '$(BLAS_TAGS)') ./...
	$(GO) test $(if $(BLAS_TAGS),-tags '$(BLAS_TAGS)') ./...
	$(if $(BLAS_TAGS),MOVIEGENIE_BLAS=go $(GO) test -tags '$(BLAS_TAGS)' $(wildcard ./pkg/linalg ./pkg/nn))
	scripts/test-make.sh $(if $(ML100K_DIR),'$(ML100K_DIR)')

.PHONY: bench
#? bench: matrix-product and layer benchmarks (GFLOP/s, ms per step)
bench:
	$(GO) test $(if $(BLAS_TAGS),-tags '$(BLAS_TAGS)') -run '^$$' -bench . -count 5 ./pkg/...

.PHONY: metrics metrics-diff plots report runs
#? metrics: one table over all stages and models (like dvc metrics show)
metrics: bin/pipeline
	@bin/pipeline metrics --dir metrics
#? metrics-diff: compare with REV=<git rev> or RUN=<saved run> (default: previous run)
metrics-diff: bin/pipeline
	@bin/pipeline metrics-diff --dir metrics $(if $(REV),--rev '$(REV)') $(if $(RUN),--run '$(RUN)')
#? runs: list the saved runs
runs: bin/pipeline
	@bin/pipeline runs --runs runs
#? plots: PNG charts under reports/
plots: bin/pipeline
	@bin/pipeline plots --dir metrics --processed $(PROCESSED) --out reports
#? report: reports/index.md with the tables and charts
report: bin/pipeline plots
	@bin/pipeline report --dir metrics --runs runs --processed $(PROCESSED) --out reports

.PHONY: clean clean-all help
#? clean: remove every generated file except the raw data
clean:
	rm -rf data/processed data/features data/recs data/vectors models metrics reports bin build $(DB)
#? clean-all: also remove the raw data and the run history
clean-all: clean
	rm -rf data runs

#? help: this list
help:
	@grep -hE '^#\? ' $(MAKEFILE_LIST) | sed -e 's/^#? //'
