#!/usr/bin/env sh
# Install Casedesk with its test tools into .venv and run the whole suite: lint, types, tests on
# SQLite, then the same tests on PostgreSQL when its server programs are installed (Debian's
# postgresql package; .ci/run installs it). Extra arguments go to pytest.
set -e
cd "$(dirname "$0")"
PYTHON="${PYTHON:-python3.11}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/pip install --quiet --upgrade pip
.venv/bin/pip install --quiet -e ".[postgres,test]"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
# Tests run in parallel processes (pytest-xdist): many wait on Slack's per-channel pace or on a
# server, so three workers suit two cores. CASEDESK_TEST_WORKERS=0 runs them in one process.
WORKERS="${CASEDESK_TEST_WORKERS:-3}"
echo "== tests on SQLite"
# Tests marked postgres_only prove what only PostgreSQL's locks do; the PostgreSQL pass runs them.
CASEDESK_TEST_POSTGRES= .venv/bin/python -m pytest -n "$WORKERS" -m "not postgres_only" "$@"
if [ -z "${CASEDESK_TEST_POSTGRES:-}" ] && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  CASEDESK_TEST_POSTGRES="$(scripts/pg-test-server)"
fi
if [ -n "${CASEDESK_TEST_POSTGRES:-}" ]; then
  echo "== tests on PostgreSQL"
  # Tests marked sqlite_pass_only drive an outside program the same way on either database.
  CASEDESK_TEST_POSTGRES="$CASEDESK_TEST_POSTGRES" .venv/bin/python -m pytest -n "$WORKERS" \
    -m "not sqlite_pass_only" "$@"
else
  echo "== PostgreSQL is not installed here: the PostgreSQL pass was skipped"
fi
