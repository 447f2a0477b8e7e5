#!/usr/bin/env sh
# Install Casedesk into .venv (first run only) and start it: the sandbox when no Slack
# credentials are set, otherwise Socket Mode or HTTP mode as the settings say.
set -e
cd "$(dirname "$0")"
PYTHON="${PYTHON:-python3.11}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
if ! .venv/bin/python -c "import bot, slack_bolt" 2>/dev/null || [ pyproject.toml -nt .venv/.installed ]; then
  .venv/bin/pip install --quiet --upgrade pip
  .venv/bin/pip install --quiet -e ".[postgres]"
  touch .venv/.installed
fi
exec .venv/bin/python -m bot "$@"
