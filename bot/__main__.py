"""`python -m bot [run|http|socket|sandbox|demo|migrate|check]`: the product's entry point."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from bot.app import StartupError, build_runtime
from bot.subscribers.wiring import SubscribersNotReady
from bot.subscribers.wiring import checked as subscribers_checked
from config import PolicyError, SettingsError, load_policy, load_settings
from config.settings import Settings
from store.db import Database
from store.migrate import migrate

COMMANDS = {
    "run": "start as the settings say: Socket Mode, HTTP, or the sandbox without credentials",
    "http": "serve Slack over HTTP on PORT (/slack/events, /healthz) under gunicorn",
    "socket": "connect to Slack in Socket Mode (needs SLACK_APP_TOKEN)",
    "sandbox": "try the bot in the terminal against a stand-in Slack",
    "demo": "play the scripted walk-through of the demo desk and print the conversation",
    "migrate": "bring the database schema up to date",
    "sweep": "fire every timer that is due now and deliver the outbox once, then exit",
    "bench-clocks": "measure the timer sweep and delivery lag at 10,000 and 100,000 open cases",
    "bench-load": "acknowledgement latency of HTTP mode at concurrency 1, 10 and 50, beside a "
    "bare Bolt app",
    "bench-search": "time /case search and /case list over 100,000 cases",
    "bench-figures": "time /case figures 30d (and the other reports) over 100,000 closed cases "
    "on SQLite, and on PostgreSQL with --postgres URL",
    "bench-status": "the status page and its JSON at concurrency 50 with 20 open major "
    "incidents and 1,000 updates, beside a static file from the same server",
    "check": "validate the settings and the policy YAML, then exit",
}
BENCHMARKS = (
    "bench-clocks",
    "bench-load",
    "bench-search",
    "bench-figures",
    "bench-status",
)  # tools in bot/bench/, each with options of its own


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot", description="Casedesk, a service-desk Slack bot.", add_help=False
    )
    parser.add_argument(
        "command",
        nargs="?",
        default="run",
        choices=list(COMMANDS),
        help="; ".join(f"{k}: {v}" for k, v in COMMANDS.items()),
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug detail")
    parser.add_argument(
        "-h", "--help", action="store_true", help="show this help (after a benchmark: its options)"
    )
    args, extra = parser.parse_known_args(argv)
    if args.help and args.command in BENCHMARKS:
        extra = ["--help", *extra]  # a benchmark's own options: `bench-load --help`
    elif args.help:
        parser.print_help()
        return 0
    if extra and args.command not in BENCHMARKS:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        settings = load_settings(command=args.command)
        return _run(args.command, settings, extra)
    except (SettingsError, PolicyError, StartupError) as exc:
        print(f"casedesk: cannot start: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _run(command: str, settings: Settings, extra: Sequence[str]) -> int:
    if command == "check":
        policy = load_policy(settings.config_dir)
        page = policy.status_page
        page.token()  # BCAST-2: a page kept internal needs its token set before it starts
        print(
            f"settings ok ({settings.mode} mode); policy ok: {len(policy.services)} services, "
            f"{len(policy.groups)} provider groups, priorities {', '.join(policy.priorities)}; "
            f"status page {page.access} at {page.url}"
        )
        try:
            print(f"subscribers ok: {subscribers_checked(settings, policy)}")  # BCAST-3
        except SubscribersNotReady as exc:
            raise StartupError(str(exc)) from None
        return 0
    if command == "migrate":
        before, after = migrate(Database(settings.database_url))
        print(f"database at revision {', '.join(after)} (was {', '.join(before) or 'empty'})")
        return 0
    if command == "sweep":
        runtime = build_runtime(settings)
        result = runtime.sweeper.sweep()
        delivered = runtime.dispatcher.drain()
        print(
            f"fired {result.fired} timers ({result.late} late, {result.failed} failed); "
            f"delivered {delivered} messages"
        )
        return 0
    if command == "bench-clocks":
        from bot.bench.clocks import run_benchmark

        return run_benchmark(settings, extra, sys.stdout)
    if command == "bench-load":
        from bot.bench.load import run_benchmark as run_load

        return run_load(extra, sys.stdout)
    if command == "bench-search":
        from bot.bench.search import run_benchmark as run_search

        return run_search(settings, extra, sys.stdout)
    if command == "bench-figures":
        from bot.bench.figures import run_benchmark as run_figures

        return run_figures(extra, sys.stdout)
    if command == "bench-status":
        from bot.bench.status import run_benchmark as run_status

        return run_status(extra, sys.stdout)
    if command == "demo":
        from bot.sandbox.demo import play

        return play(sys.stdout)
    if command == "sandbox" or (command == "run" and settings.mode == "sandbox"):
        from bot.sandbox.repl import run_repl

        return run_repl(settings, sys.stdin, sys.stdout)
    if command == "http" and settings.signing_secret is None:
        raise SettingsError("HTTP mode needs SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET.")
    runtime = build_runtime(settings)
    from bot.serve import run_http, run_socket_mode

    if command == "socket" or (command == "run" and settings.mode == "socket"):
        run_socket_mode(runtime)
    else:
        run_http(runtime)
    return 0


if __name__ == "__main__":
    sys.exit(main())
