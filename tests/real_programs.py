"""Tests that start a real program (PostgreSQL, Alertmanager, Chromium, ...) find it here.

Where the program is missing on a developer's machine the test skips with the reason; in CI
(`CASEDESK_REQUIRE_REAL=1`, set by `.ci/run`, which installs the programs) it fails instead, so
nothing real is ever skipped there.
"""

from __future__ import annotations

import os
import shutil

import pytest

REQUIRED = os.environ.get("CASEDESK_REQUIRE_REAL") == "1"


def program(*names: str, why: str) -> str:
    """The path of the first of `names` on PATH (or given as an absolute path that exists)."""
    for name in names:
        found = name if os.path.isabs(name) and os.access(name, os.X_OK) else shutil.which(name)
        if found:
            return found
    reason = f"{' or '.join(names)} is not installed ({why})"
    if REQUIRED:
        pytest.fail(f"{reason}; CI must install it (.ci/run)", pytrace=False)
    pytest.skip(reason)
