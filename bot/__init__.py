"""Casedesk: the case workflow, its clocks and notifications, Block Kit rendering, the CLI and
the local sandbox. The workflow modules take plain values and never call Slack."""
