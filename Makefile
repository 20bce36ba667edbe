# Movie Genie: MovieLens 100K -> parquet tables -> features -> models -> SQLite.
#
# Every stage is declared once, below, as a block of <stage>.<field>
# variables; the rules, `make <stage>`, `make dag`, `make why`, `make clean`
# and `make help` all come from those declarations. A stage reruns when one
# of its inputs, its own code (the Go packages its binary is built from) or
# its own section of params.yaml changes, or when one of its outputs was
# deleted or changed behind its back, and only then. `make help` lists the
# targets; `make -n` is the status: after a full build it has nothing to do.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
# Read before MAKEFLAGS is extended below: -n or -q (a dry run) given?
DRY_RUN := $(findstring n,$(firstword -$(MAKEFLAGS)))$(findstring q,$(firstword -$(MAKEFLAGS)))
MAKEFLAGS += --warn-undefined-variables --no-builtin-rules
.DEFAULT_GOAL := all
.SUFFIXES:
# No .DELETE_ON_ERROR, on purpose, and every stage's files are .PRECIOUS
# (below): GNU Make deletes the target of a recipe killed by a signal, with
# or without .DELETE_ON_ERROR, which would lose good outputs for nothing.
# Nothing needs deleting: a stage's one real target is its record
# (build/stages/<stage>.json), written only after its command succeeded, and
# every binary writes its files to a temporary name and renames them.

#? Variables (set on the command line: make all ML100K_DIR=../shared/data/ml-100k)
#?   ML100K_DIR       use this existing MovieLens 100K copy instead of downloading
#?   DATASET          ml-100k (default), ml-1m, ml-10m, ml-20m, ml-25m, ml-32m, ml-latest-small,
#?                    ml-latest or csv (your own data): sets data_processing.dataset
#?   DATA_DIR         use this existing unpacked copy of DATASET instead of downloading
#?   OUT              output root: data/, models/, metrics/, reports/, runs/ and build/stages/ go under it
#?                    (default: the top for ml-100k, out/<DATASET> for any other dataset, so that two
#?                    datasets' builds live side by side; the raw data stays in data/raw/<DATASET>)
#?   UNVERIFIED       1: accept raw data with no recorded checksum (checksums/README.md)
#?   PARAMS           params file (default params.yaml)
#?   PARAMS_OVERRIDE  a second params file layered on top, key by key
#?   SET              single overrides, e.g. SET='model_training.bert4rec.epochs=5'
#?   DB               the SQLite database to build (default data/moviegenie.db)
#?   BLAS             go | openblas: force the matrix-product backend
#?   FORMAT           make dag: text (default), mermaid or dot
#?   T                make why: a stage name or a file
#?   REV, RUN, ALL    make params-diff / metrics-diff: a git revision, a saved run, show all rows
#?   EXECUTOR         local (default) or slurm: each stage's command runs as a Slurm job
#?                    (README "Running on a cluster"); then also SLURM_PARTITION, SLURM_ACCOUNT,
#?                    SRUN_FLAGS (more srun options), SLURM_LATENCY_WAIT (seconds, default 30)
ML100K_DIR ?=
DATASET ?= ml-100k
DATA_DIR ?=
OUT ?=
UNVERIFIED ?=
PARAMS ?= params.yaml
PARAMS_OVERRIDE ?=
SET ?=
DB ?= $(ROOT)data/moviegenie.db
BLAS ?=
GO ?= go
T ?=
REV ?=
RUN ?=
ALL ?=
FORMAT ?= text
FUZZTIME ?= 30s
EXECUTOR ?= local

export MOVIEGENIE_BLAS := $(BLAS)

# Build tags: the OpenBLAS matrix backend is compiled in when the library is
# installed (scripts/blas-tags.sh); the project's own kernel stays the
# default (BLAS=openblas selects OpenBLAS; pkg/linalg says why).
BLAS_TAGS := $(shell scripts/blas-tags.sh 2>/dev/null)
GOBUILD := $(GO) build -trimpath $(if $(BLAS_TAGS),-tags '$(BLAS_TAGS)')

# ROOT: the output root as a prefix ("" for the top, else "DIR/"); METRICS:
# where the stages' metrics files go.
ROOT := $(if $(OUT),$(patsubst ./,,$(OUT:%/=%)/),$(if $(filter ml-100k,$(DATASET)),,out/$(DATASET)/))
METRICS := $(ROOT)metrics
PARAMS_ARGS := $(strip --params $(PARAMS) $(if $(PARAMS_OVERRIDE),--params $(PARAMS_OVERRIDE)) $(if $(filter-out ml-100k,$(DATASET)),--set data_processing.dataset=$(DATASET)) $(foreach s,$(SET),--set $(s)))

# Every stage recipe runs with these exported (the values of its
# declaration); everything else (Go builds, helper targets) sees them empty.
# A SHELL wrapper can use them to run stages elsewhere (a batch scheduler).
STAGE :=
STAGE_CPUS :=
STAGE_MEM :=
STAGE_TIME :=
STAGE_OUTPUTS :=
export STAGE STAGE_CPUS STAGE_MEM STAGE_TIME STAGE_OUTPUTS

# EXECUTOR=slurm: scripts/srun-shell is that wrapper. It runs a stage's
# command as a Slurm job sized by the values above (SLURM_PARTITION,
# SLURM_ACCOUNT, SRUN_FLAGS and SLURM_LATENCY_WAIT come from the command line
# or the environment) and everything else here: Go builds, helper targets
# and the stage's record, written once the job's outputs are visible.
ifeq ($(EXECUTOR),slurm)
SHELL := $(CURDIR)/scripts/srun-shell
export SRUN_SHELL_LOCAL := bin/pipeline *stage-record *
else ifneq ($(EXECUTOR),local)
$(error EXECUTOR=$(EXECUTOR): use local or slurm)
endif

# ---------------------------------------------------------------------------
# One build at a time in a folder: a second `make` that would build refuses
# to run beside the first, with a message. Dry runs and the goals below do
# not take the lock: they only read stages' outputs, or build none (test,
# bench, fuzz, quality), or run for long (serve: `make all` beside it is how
# it hot-reloads). scripts/build-lock.sh holds build/lock for as long as
# this make process lives.
READ_ONLY_GOALS := help dag why status metrics metrics-diff params-diff runs plots report test bench fuzz quality serve
LOCKED :=
ifeq ($(MAKELEVEL)$(DRY_RUN),0)
ifeq ($(origin MAKE_RESTARTS),undefined)
ifneq ($(filter-out $(READ_ONLY_GOALS),$(or $(MAKECMDGOALS),all)),)
LOCK_MESSAGE := $(shell scripts/build-lock.sh build/lock $$PPID)
ifneq ($(LOCK_MESSAGE),)
$(error $(LOCK_MESSAGE))
endif
endif
endif
endif
# After a restart (Make re-reads itself when build/*.mk changed) the lock
# taken at the first reading is still held by this process.
ifeq ($(MAKELEVEL)$(DRY_RUN),0)
ifneq ($(filter-out $(READ_ONLY_GOALS),$(or $(MAKECMDGOALS),all)),)
LOCKED := yes
endif
endif

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
# A Go build is never part of a stage, even when a stage needs it.
bin/%: STAGE :=
bin/%: STAGE_CPUS :=
bin/%: STAGE_MEM :=
bin/%: STAGE_TIME :=
bin/%: STAGE_OUTPUTS :=

# ---------------------------------------------------------------------------
# Stages, in processing order. A stage is one block:
#   STAGES += NAME            its one name: make NAME, metrics/NAME.json, dag, why
#   NAME.cmd    = ...         the command (= not :=, so it may use $(PARAMS_ARGS))
#   NAME.in    := ...         input files: other stages' outputs, raw files
#   NAME.out   := ...         output files (at least one)
#   NAME.code  := ...         what the command is made from: bin/NAME for a Go
#                             stage (its packages come with it), a script otherwise
#   NAME.params := ...        the params.yaml section it reads (empty: none)
#   NAME.cpus/.mem/.time      resources it asks for (default 1, 2G, 00:30:00)
#   NAME.help  := ...         its line in make help
# docs/stages.md "Adding a stage" walks through a Go and a shell stage.

# data: the raw files of DATASET, downloaded or copied from DATA_DIR (or
# ML100K_DIR), verified against checksums/ (fetch-data refuses a dataset
# with nothing recorded unless UNVERIFIED=1). RAW is everything process reads.
RAW_DIR := data/raw/$(DATASET)
RAW_FILES.ml-100k := u.data u.item u.user u.genre u.occupation README
RAW_FILES.ml-1m := ratings.dat movies.dat users.dat
RAW_FILES.ml-10m := ratings.dat movies.dat tags.dat
RAW_FILES.csv := ratings.csv movies.csv $(if $(wildcard $(DATA_DIR)/users.csv),users.csv)
RAW_SRC := $(or $(DATA_DIR),$(if $(filter ml-100k,$(DATASET)),$(ML100K_DIR)))
RAW := $(addprefix $(RAW_DIR)/,$(if $(filter ml-100k ml-1m ml-10m csv,$(DATASET)),$(RAW_FILES.$(DATASET)),ratings.csv movies.csv tags.csv links.csv))
STAGES += data
data.cmd     = bin/pipeline fetch-data --dataset $(DATASET) --out $(RAW_DIR) $(if $(RAW_SRC),--from '$(RAW_SRC)') $(if $(UNVERIFIED),--unverified) --metrics $(METRICS)/data.json
data.in     := $(wildcard checksums/$(DATASET).sha256 checksums/$(DATASET).zip.md5)
data.out    := $(RAW) $(METRICS)/data.json
data.code   :=
data.params :=
data.cpus   := 1
data.mem    := 1G
data.time   := 00:10:00
data.help   := the raw files of DATASET (default ml-100k), verified

# process: typed parquet tables, k-core filter, train/validation/test split.
PROCESSED := $(ROOT)data/processed
STAGES += process
process.cmd     = bin/process $(PARAMS_ARGS) --raw $(RAW_DIR) --out $(PROCESSED) --metrics $(METRICS)/process.json
process.in     := $(RAW)
process.out    := $(addprefix $(PROCESSED)/,movies.parquet users.parquet ratings.parquet sequences.parquet genres.parquet occupations.parquet tags.parquet) $(METRICS)/process.json
process.code   := bin/process
process.params := data_processing
process.cpus   := 1
process.mem    := 2G
process.time   := 00:30:00
process.help   := the processed tables (k-core filter, split)

# features: movie/user features, text embeddings, model inputs.
FEATURES := $(ROOT)data/features
STAGES += features
features.cmd     = bin/features $(PARAMS_ARGS) --processed $(PROCESSED) --out $(FEATURES) --metrics $(METRICS)/features.json
features.in     := $(filter $(PROCESSED)/%,$(process.out))
features.out    := $(addprefix $(FEATURES)/,movie_features.parquet user_features.parquet text_embeddings.parquet text_encoder.bin train_sequences.parquet bert4rec_windows.parquet twotower_pairs.parquet) $(METRICS)/features.json
features.code   := bin/features
features.params := feature_engineering
features.cpus   := 2
features.mem    := 2G
features.time   := 00:30:00
features.help   := features, text embeddings and the models' training inputs

# train-bert4rec: the sequential model, its top-100 per user.
STAGES += train-bert4rec
train-bert4rec.cmd     = bin/train-bert4rec $(PARAMS_ARGS) --processed $(PROCESSED) --features $(FEATURES) --model $(ROOT)models/bert4rec.bin --recs $(ROOT)data/recs/bert4rec.parquet --metrics $(METRICS)/train-bert4rec.json
train-bert4rec.in     := $(filter $(FEATURES)/%,$(features.out)) $(PROCESSED)/sequences.parquet
train-bert4rec.out    := $(ROOT)models/bert4rec.bin $(ROOT)data/recs/bert4rec.parquet $(METRICS)/train-bert4rec.json
train-bert4rec.code   := bin/train-bert4rec
train-bert4rec.params := model_training.bert4rec
train-bert4rec.cpus   := 2
train-bert4rec.mem    := 4G
train-bert4rec.time   := 02:00:00
train-bert4rec.help   := train BERT4Rec, evaluate it, write its recommendations

# train-twotower: the retrieval model, its recommendations and vectors.
STAGES += train-twotower
train-twotower.cmd     = bin/train-twotower $(PARAMS_ARGS) --processed $(PROCESSED) --features $(FEATURES) --model $(ROOT)models/twotower.bin --recs $(ROOT)data/recs/twotower.parquet --vectors $(ROOT)data/vectors --metrics $(METRICS)/train-twotower.json
train-twotower.in     := $(filter $(FEATURES)/%,$(features.out)) $(PROCESSED)/sequences.parquet
train-twotower.out    := $(ROOT)models/twotower.bin $(ROOT)data/recs/twotower.parquet $(ROOT)data/vectors/twotower_movies.parquet $(ROOT)data/vectors/twotower_users.parquet $(METRICS)/train-twotower.json
train-twotower.code   := bin/train-twotower
train-twotower.params := model_training.two_tower
train-twotower.cpus   := 2
train-twotower.mem    := 4G
train-twotower.time   := 01:00:00
train-twotower.help   := train Two-Tower, evaluate it, write its recommendations and vectors

# semantic: the natural-language search index over movies.
STAGES += semantic
semantic.cmd     = bin/semantic $(PARAMS_ARGS) build --processed $(PROCESSED) --features $(FEATURES) --index $(ROOT)models/semantic.bin --metrics $(METRICS)/semantic.json
semantic.in     := $(filter $(FEATURES)/%,$(features.out)) $(filter $(PROCESSED)/%,$(process.out))
semantic.out    := $(ROOT)models/semantic.bin $(METRICS)/semantic.json
semantic.code   := bin/semantic
semantic.params := semantic_search
semantic.cpus   := 1
semantic.mem    := 2G
semantic.time   := 00:30:00
semantic.help   := the semantic search index

# dbsetup: the SQLite database the application reads; its pipeline_runs
# table holds the metrics of the stages above.
STAGES += dbsetup
dbsetup.cmd     = bin/dbsetup $(PARAMS_ARGS) --processed $(PROCESSED) --recs $(ROOT)data/recs --vectors $(ROOT)data/vectors --features $(FEATURES) --metrics-dir $(METRICS) --db $(DB) --metrics $(METRICS)/dbsetup.json
dbsetup.in     := $(filter $(PROCESSED)/%,$(process.out)) $(filter $(ROOT)data/recs/% $(ROOT)data/vectors/%_movies.parquet,$(train-bert4rec.out) $(train-twotower.out)) $(FEATURES)/text_embeddings.parquet $(filter $(METRICS)/%,$(data.out) $(process.out) $(features.out) $(train-bert4rec.out) $(train-twotower.out) $(semantic.out))
dbsetup.out    := $(DB) $(METRICS)/dbsetup.json
dbsetup.code   := bin/dbsetup
dbsetup.params := database
dbsetup.cpus   := 1
dbsetup.mem    := 2G
dbsetup.time   := 00:30:00
dbsetup.help   := the SQLite database

# New stages go here, above this line (docs/stages.md, "Adding a stage").

# The binaries the README tells people to run, beyond the stages' own.
APP_BINARIES := bin/recommend bin/semantic bin/pipeline

# ---------------------------------------------------------------------------
# Rules, from the declarations. For stage S:
#   build/stages/S.json   its record, the one real target: S's command, then
#                         `pipeline stage-record` (outputs' size, mtime,
#                         SHA-256 and the params used);
#   build/stages/S.stamp  new when S must rerun for a reason timestamps cannot
#                         see (params changed, an output deleted or changed),
#                         else 1970; refreshed on every make run, -n included;
#   each output           a target with an empty recipe and S's record as an
#                         order-only prerequisite: `make <file>` builds S, and
#                         an output, always older than its record, never
#                         counts as remade (under -n GNU Make would take it as
#                         new and rerun every reader);
#   S                     the phony stage-name target.
# A stage depends on the records of the stages whose outputs it reads (so
# `make -n` follows a rerun all the way down: a grouped `a b &:` rule does
# not, in GNU Make 4.3) and on those files themselves (so touching one
# reruns its readers).
STATE := $(ROOT)build/stages
record = $(STATE)/$(1).json
stamp = $(STATE)/$(1).stamp
# A field left out of a declaration is empty (fieldor: its default).
field = $(if $(filter undefined,$(origin $(1).$(2))),,$($(1).$(2)))
fieldor = $(or $(call field,$(1),$(2)),$(3))
# The stage that writes file $(1), if any.
owner = $(if $(filter undefined,$(origin owner.$(1))),,$(owner.$(1)))
$(foreach s,$(STAGES),$(foreach o,$(call field,$(s),out),$(eval owner.$(o) := $(s))))
upstream = $(sort $(foreach f,$(call field,$(1),in),$(call owner,$(f))))
# $(1) quoted for the shell.
shq = '$(subst ','\'',$(1))'
# NAME;SECTION;INPUTS;OUTPUTS, the form bin/pipeline reads.
spec = '$(1);$(call field,$(1),params);$(call field,$(1),in);$(call field,$(1),out)'

define stage-rules
$(call record,$(1)): $(call field,$(1),code) $(call field,$(1),in) $(foreach u,$(call upstream,$(1)),$(call record,$(u))) $(call stamp,$(1)) | bin/pipeline
	$$($(1).cmd)
	@bin/pipeline $$(PARAMS_ARGS) stage-record --state $(STATE) $(1)
$(call record,$(1)): STAGE := $(1)
$(call record,$(1)): STAGE_CPUS := $(call fieldor,$(1),cpus,1)
$(call record,$(1)): STAGE_MEM := $(call fieldor,$(1),mem,2G)
$(call record,$(1)): STAGE_TIME := $(call fieldor,$(1),time,00:30:00)
$(call record,$(1)): STAGE_OUTPUTS := $(call field,$(1),out)
$(call field,$(1),out): | $(call record,$(1)) ;
.PHONY: $(1)
$(1): $(call record,$(1))
endef
$(foreach s,$(STAGES),$(eval $(call stage-rules,$(s))))

STAGE_RECORDS := $(foreach s,$(STAGES),$(call record,$(s)))
STAGE_OUTPUTS_ALL := $(foreach s,$(STAGES),$(call field,$(s),out))
STAGE_SPECS := $(foreach s,$(STAGES),$(call spec,$(s)))
.PRECIOUS: $(STAGE_RECORDS) $(STAGE_OUTPUTS_ALL)

# Stamps: made by the stage check below; a stamp that does not exist yet
# (a stage declared since) is no error, the check writes it.
$(foreach s,$(STAGES),$(call stamp,$(s))):

# The stage check runs on every make invocation before any timestamp is
# compared, -n included, because Make remakes the makefiles it includes
# first. (FORCE is a plain target, not .PHONY: a phony prerequisite of an
# included makefile would make Make re-execute itself endlessly.) While
# this make holds the build lock it also removes what killed stages left.
build/stages.mk: bin/pipeline FORCE
	@bin/pipeline $(PARAMS_ARGS) stage-check --state $(STATE) $(if $(LOCKED),--clean-temp) $(STAGE_SPECS)
	@test -f $@ || echo '# build/stages/*.stamp are refreshed by bin/pipeline stage-check on every make run' > $@
include build/stages.mk
FORCE:

# ---------------------------------------------------------------------------
.PHONY: all
#? all: run every stage whose inputs, code or params changed; build the tools
all: $(STAGE_RECORDS) $(APP_BINARIES) $(ROOT)runs/.last

# Each finished run's metrics are kept under runs/ so metrics-diff needs no git.
$(ROOT)runs/.last: $(STAGE_RECORDS)
	bin/pipeline runs-save --metrics-dir $(METRICS) --runs $(ROOT)runs
	@touch $@

.PHONY: dag
#? dag: the stage graph from the declarations (FORMAT=text|mermaid|dot)
dag: bin/pipeline
	@bin/pipeline dag --format '$(FORMAT)' $(STAGE_SPECS)

.PHONY: why
#? why: say why T=<stage or file> would be rebuilt (newer input, changed param, changed output)
why: bin/pipeline
	@test -n '$(T)' || { echo 'usage: make why T=<stage or file>'; exit 2; }
	@$(MAKE) --no-print-directory -n --debug=b $(or $(if $(filter $(T),$(STAGES)),$(call record,$(T))),$(T)) 2>&1 | bin/pipeline why --state $(STATE) --target '$(T)'

.PHONY: params-diff
#? params-diff: params now vs. what each stage last ran with (REV=<git rev>: vs. a commit), and what reruns
params-diff: bin/pipeline
	@bin/pipeline $(PARAMS_ARGS) params-diff --state $(STATE) $(if $(REV),--rev '$(REV)') $(if $(ALL),--all) $(STAGE_SPECS)

.PHONY: status
#? status: what `make all` would do now (same as make -n all)
status:
	@$(MAKE) --no-print-directory -n all

.PHONY: test
#? test: unit tests (both matrix backends), the scripted Make and dataset tests and, when Slurm is
#?       installed, the EXECUTOR=slurm test (scripts/test-slurm.sh)
test: export ML100K_DIR := $(abspath $(or $(ML100K_DIR),../shared/data/ml-100k))
test:
	$(GO) vet $(if $(BLAS_TAGS),-tags '$(BLAS_TAGS)') ./...
	$(GO) test $(if $(BLAS_TAGS),-tags '$(BLAS_TAGS)') ./...
	$(if $(BLAS_TAGS),MOVIEGENIE_BLAS=openblas $(GO) test -tags '$(BLAS_TAGS)' $(wildcard ./pkg/linalg ./pkg/nn))
	scripts/test-make.sh $(if $(ML100K_DIR),'$(ML100K_DIR)')
	scripts/test-datasets.sh
	scripts/test-slurm.sh $(if $(ML100K_DIR),'$(ML100K_DIR)')

.PHONY: fuzz
#? fuzz: run every fuzz target (readers of data, model and params files, search queries) for FUZZTIME=30s each
fuzz:
	FUZZTIME='$(FUZZTIME)' GO='$(GO)' scripts/fuzz.sh

.PHONY: bench
#? bench: matrix-product and layer benchmarks (GFLOP/s, ms per step)
bench:
	$(GO) test $(if $(BLAS_TAGS),-tags '$(BLAS_TAGS)') -run '^$$' -bench . -count 5 ./pkg/...

.PHONY: bench-scale
#? bench-scale: process on 25M synthetic ml-25m ratings beside pandas (RUNS=3; medians of wall, CPU, peak RSS)
RUNS ?= 3
bench-scale: bin/pipeline bin/process
	scripts/bench-scale.sh $(RUNS) build/bench-scale

.PHONY: bench-scale-stages
#? bench-scale-stages: every stage on the same 25M set, one run each: wall, CPU, peak RSS, s/epoch
#?          (each trainer for TRAIN_SECONDS=300, its epoch extrapolated; BERT4Rec with sampled_softmax=2048);
#?          SCALE_STAGES='features dbsetup' to run some (scripts/bench-scale-stages.sh)
SCALE_STAGES ?=
bench-scale-stages: bin/pipeline bin/process bin/features bin/semantic bin/train-twotower bin/train-bert4rec bin/dbsetup
	scripts/bench-scale-stages.sh build/bench-scale $(SCALE_STAGES)

.PHONY: quality
#? quality: train every model with seeds 42, 43, 44 under both splits (temporal, and leave-one-out
#?          with params-loo.yaml) in build/quality/, mean and sd in metrics/quality.json; long, resumes
quality: bin/quality bin/process bin/features bin/train-bert4rec bin/train-twotower $(RAW)
	bin/quality $(PARAMS_ARGS) --loo-params params-loo.yaml --raw $(RAW_DIR) --bin bin --out $(ROOT)build/quality --metrics $(METRICS)/quality.json

.PHONY: quality-validation
#? quality-validation: the same study with data_processing.held_out=validation (each user's test part
#?          removed, the rest split again): figures on a validation fold, to choose settings on;
#?          build/quality-validation/, metrics/quality-validation.json
quality-validation: bin/quality bin/process bin/features bin/train-bert4rec bin/train-twotower $(RAW)
	bin/quality $(PARAMS_ARGS) --set data_processing.held_out=validation --stage quality-validation --loo-params params-loo.yaml --raw $(RAW_DIR) --bin bin --out $(ROOT)build/quality-validation --metrics $(METRICS)/quality-validation.json

.PHONY: metrics metrics-diff plots report runs
#? metrics: one table over all stages and models (like dvc metrics show)
metrics: bin/pipeline
	@bin/pipeline metrics --metrics-dir $(METRICS)
#? metrics-diff: compare with REV=<git rev> or RUN=<saved run> (default: previous run); ALL=1 shows every row
metrics-diff: bin/pipeline
	@bin/pipeline metrics-diff --metrics-dir $(METRICS) --runs $(ROOT)runs $(if $(REV),--rev '$(REV)') $(if $(RUN),--run '$(RUN)') $(if $(ALL),--all)
#? runs: list the saved runs
runs: bin/pipeline
	@bin/pipeline runs --runs $(ROOT)runs
#? plots: PNG charts under reports/
plots: bin/pipeline
	@bin/pipeline plots --metrics-dir $(METRICS) --processed $(PROCESSED) --out $(ROOT)reports
#? report: reports/index.md with the tables and charts
report: bin/pipeline plots
	@bin/pipeline report --metrics-dir $(METRICS) --runs $(ROOT)runs --processed $(PROCESSED) --out $(ROOT)reports

# ---------------------------------------------------------------------------
# The application (cmd/serve, docs/api.md): the database and the three
# models, served on one port; brought up to date first, like any target.
ADDR ?= 127.0.0.1:8080
SERVE_FILES := $(DB) $(ROOT)models/bert4rec.bin $(ROOT)models/twotower.bin $(ROOT)models/semantic.bin

.PHONY: serve loadtest app-export
#? serve: the app (API and page) at http://127.0.0.1:8080 (ADDR=host:port to change)
serve: $(SERVE_FILES) bin/serve
	bin/serve $(PARAMS_ARGS) run --addr '$(ADDR)' --db $(DB) $(if $(ROOT),--bert4rec $(ROOT)models/bert4rec.bin --twotower $(ROOT)models/twotower.bin --semantic $(ROOT)models/semantic.bin --metrics-dir $(METRICS) --reports $(ROOT)reports)
#? loadtest: the app under load on 127.0.0.1 (bounded) -> metrics/serve.json
loadtest: $(SERVE_FILES) bin/serve
	bin/serve $(PARAMS_ARGS) loadtest --db $(DB)
#? app-export: the app's ratings -> data/raw/app_ratings.csv (param data_processing.extra_ratings)
app-export: bin/serve
	bin/serve export

# make clean keeps what git tracks (metrics/*.json: the figures of the
# committed code and params; reports/) and the raw data.
KEEP_ON_CLEAN := data
TRACKED := $(shell git ls-files -- $(STAGE_OUTPUTS_ALL) 2>/dev/null)

.PHONY: clean clean-all help
#? clean: remove every generated file of every stage except the raw data (and what git tracks)
clean:
	rm -f $(filter-out $(TRACKED),$(foreach s,$(filter-out $(KEEP_ON_CLEAN),$(STAGES)),$(call field,$(s),out) $(call record,$(s)) $(call stamp,$(s))))
	rm -rf bin build/godeps.mk build/stages.mk
#? clean-all: also remove the raw data, the run history, the Slurm job logs and the app tests' cached pipeline
clean-all: clean
	rm -rf $(STATE) $(filter-out $(TRACKED),$(RAW)) $(ROOT)runs logs build/servetest

#? help: this list
help:
	@grep -hE '^#\? ' $(MAKEFILE_LIST) | sed -e 's/^#? //'
	@echo 'Stages (make NAME builds it and what it needs, nothing after it):'
	@$(foreach s,$(STAGES),printf '  %-16s %s\n' '$(s)' $(call shq,$(call field,$(s),help));)
