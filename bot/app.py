"""The composition root: settings and policy in, a running desk out (Bolt app, database,
dispatcher). The only module in bot/ that knows the Slack listeners exist.
"""

from __future__ import annotations

import logging
import uuid
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

from slack_bolt import App, BoltResponse
from slack_bolt.error import BoltError
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_sdk import WebClient

from bot import usergroups
from bot.ack_deadline import acknowledgements, late_ack
from bot.ack_wait import AnswerWaitingExecutor
from bot.alerts.receive import AlertReceiver, receiver_from
from bot.alerts.worker import AlertWorker
from bot.clock import Clock
from bot.companion import Share
from bot.desk import Desk
from bot.dispatcher import Dispatcher
from bot.errors import TRY_AGAIN, is_database_outage
from bot.event_retries import once_per_event
from bot.people import People
from bot.reminders import HANDLERS
from bot.render.kit_client import KitClient
from bot.reports import weekly
from bot.subscribers.web import SubscriberPages
from bot.subscribers.wiring import SubscribersNotReady, start_subscribers
from bot.timers import Sweeper
from config import Settings, load_policy
from config.policy import Policy
from kb.service import KnowledgeBase
from store.db import Database
from store.migrate import migrate

log = logging.getLogger(__name__)
DISPATCH_TIMEOUT = 10
RECORDING_NICENESS = 10  # HTTP mode's companions: below answers (0), recording first
DELIVERY_NICENESS = 15


class StartupError(RuntimeError):
    """Start-up cannot go on; the message says what to fix."""


def unreachable(url: str, exc: OSError) -> StartupError:
    """One line for a Slack that cannot be reached: the URL and the network's own reason."""
    reason: object = getattr(exc, "reason", None) or exc
    text = getattr(reason, "strerror", None) or str(reason) or type(reason).__name__
    return StartupError(f"cannot reach Slack at {url}: {text}")


@dataclass
class Runtime:
    settings: Settings
    policy: Policy
    db: Database
    clock: Clock
    desk: Desk
    app: App
    dispatcher: Dispatcher
    sweeper: Sweeper
    kb: KnowledgeBase
    usergroup_refresher: usergroups.Refresher
    alert_worker: AlertWorker
    alert_receiver: AlertReceiver
    subscriber_pages: SubscriberPages

    def start_background(self) -> None:
        """Deliver the outbox, sweep the timers, work accepted alerts and re-read user groups
        in this process (Socket Mode; HTTP mode shares it out, see companion_shares)."""
        self.usergroup_refresher.start()
        self._start_recording()
        self.dispatcher.start()

    def companion_shares(self) -> list[Share]:
        """HTTP mode's background work, one share per companion process (bot/companion.py),
        in the order they are forked. Recording (alerts into cases, timers fired) comes before
        delivering (Slack calls) when the cores are short: a storm's cases are made first and
        their cards follow. Each companion also re-reads the user groups (`after_companion_fork`).
        """
        return [
            Share(
                name="delivery",
                niceness=DELIVERY_NICENESS,
                start=self.dispatcher.start,
                stop=self.dispatcher.stop,
                wake=self.dispatcher.wake,
                send_wakes_to=self.dispatcher.send_wakes_to,
            ),
            Share(
                name="recording",
                niceness=RECORDING_NICENESS,
                start=self._start_recording,
                stop=self._stop_recording,
                wake=self.alert_worker.wake,
                send_wakes_to=self.alert_worker.send_wakes_to,
            ),
        ]

    def after_companion_fork(self) -> None:
        """In a companion: its own database connections, answers first at SQLite's writer, and
        the user groups re-read here too, since both delivering and recording go by them."""
        self.db.after_fork(background=True)
        self.usergroup_refresher.start()

    def _start_recording(self) -> None:
        self.alert_worker.start()
        self.sweeper.start()

    def _stop_recording(self) -> None:
        self.sweeper.stop()
        self.alert_worker.stop()


def build_runtime(
    settings: Settings,
    *,
    clock: Clock | None = None,
    listener_executor: Executor | None = None,
    verify_token: bool = True,
    sandbox_alert_tokens: bool = False,
) -> Runtime:
    """Load policy, migrate the database, and wire the Bolt app and the dispatcher."""
    policy = load_policy(settings.config_dir)
    db = Database(settings.database_url)
    migrate(db)
    clock = clock or Clock()
    weekly.ensure_scheduled(db, policy, clock)  # QUAL-2: the weekly report's timer
    kb = KnowledgeBase(  # usage is dated by the desk's clock, as the cases it is about (QUAL-2)
        db, base_url=settings.kb_url, services=tuple(policy.services), now=clock.now
    )
    _sync_articles(kb, settings)
    desk = Desk(db=db, policy=policy, clock=clock, kb=kb)
    token = settings.bot_token or ""
    executor = listener_executor or AnswerWaitingExecutor()
    app = _bolt_app(settings, token, executor, verify_token)
    _read_usergroups(app.client, policy, settings)
    app.middleware(once_per_event(db, clock))
    app.middleware(acknowledgements(settings.ack_deadline_seconds, plain=People(app.client).plain))
    outbox_client = WebClient(token=token, base_url=settings.api_url, timeout=DISPATCH_TIMEOUT)
    outbox_client.retry_handlers = []  # the outbox decides about retries, not the client
    try:
        subscribers = start_subscribers(settings, policy, db, clock)  # BCAST-3
    except SubscribersNotReady as exc:
        raise StartupError(str(exc)) from None
    desk.subscribers.own, desk.subscribers.can_mail = subscribers.own, subscribers.can_mail
    dispatcher = Dispatcher(
        db=db, client=outbox_client, policy=policy, clock=clock, external=subscribers.deliveries
    )
    desk.on_commit(dispatcher.wake)
    sweeper = Sweeper(
        db=db, policy=policy, clock=clock, handlers=HANDLERS, interval=settings.sweep_seconds
    )
    sweeper.on_fired(dispatcher.wake)
    alert_worker = AlertWorker(desk.alerts)
    desk.alerts.on_accept(alert_worker.wake)

    from handlers import register  # the composition root is where listeners meet the desk

    register(app, desk, kb)
    return Runtime(
        settings=settings,
        policy=policy,
        db=db,
        clock=clock,
        desk=desk,
        app=app,
        dispatcher=dispatcher,
        sweeper=sweeper,
        kb=kb,
        usergroup_refresher=usergroups.Refresher(
            app.client, policy, every=settings.usergroup_refresh_seconds
        ),
        alert_worker=alert_worker,
        alert_receiver=receiver_from(
            desk.alerts,
            policy.alerts,
            clock,
            sandbox=sandbox_alert_tokens or settings.mode == "sandbox",
        ),
        subscriber_pages=SubscriberPages(
            db=db,
            policy=policy,
            clock=clock,
            wake=dispatcher.wake,
            can_mail=subscribers.can_mail,
            page_url=subscribers.page_url,
            page_token=policy.status_page.token(),
        ),
    )


def _read_usergroups(client: WebClient, policy: Policy, settings: Settings) -> None:
    """PERM-1: every user group a role or provider group names must be readable before the
    desk answers anyone, or nobody in it could act."""
    try:
        usergroups.read_all(client, policy)
    except usergroups.UserGroupError as exc:
        raise StartupError(str(exc)) from None
    except OSError as exc:
        raise unreachable(settings.api_url, exc) from None


def _sync_articles(kb: KnowledgeBase, settings: Settings) -> None:
    """KB-6: the article folder is the source; the store follows it at every start."""
    report = kb.sync(settings.kb_folder)
    for problem in report.invalid:
        log.warning("knowledge base article skipped: %s", problem)


class _ClientGivenOnPurpose(logging.Filter):
    """Bolt warns that SLACK_BOT_TOKEN goes unused when a client is given; the client is given
    on purpose (it carries SLACK_API_URL and the same token), so the warning is noise."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


class _Silence(logging.Filter):
    """While Bolt checks the token at start, a failure is reported once, as a StartupError."""

    def filter(self, record: logging.LogRecord) -> bool:
        return False


logging.getLogger("slack_bolt.App").addFilter(_ClientGivenOnPurpose())


def _bolt_app(settings: Settings, token: str, executor: Executor, verify_token: bool) -> App:
    client = KitClient(token=token, base_url=settings.api_url)
    socket = settings.mode == "socket"
    silence, client_log = _Silence(), logging.getLogger("slack_sdk.web.base_client")
    client_log.addFilter(silence)
    try:
        app = App(
            client=client,
            signing_secret=settings.signing_secret or "",
            request_verification_enabled=not socket,
            token_verification_enabled=verify_token,
            listener_executor=executor,
            raise_error_for_unhandled_request=False,
        )
    except BoltError as exc:
        raise StartupError(
            f"Slack did not accept SLACK_BOT_TOKEN at {settings.api_url}: {exc}. Check the token "
            "(OAuth & Permissions > Bot User OAuth Token) and SLACK_API_URL."
        ) from None
    except OSError as exc:  # URLError, refused, reset, timed out: Slack is out of reach
        raise unreachable(settings.api_url, exc) from None
    finally:
        client_log.removeFilter(silence)
    app.error(_report_error)
    return app


def _report_error(
    error: Exception, body: dict[str, Any], context: Any, logger: logging.Logger
) -> BoltResponse | None:
    """An unexpected failure: logged with an id; the person gets a plain apology, no trace (or,
    when the database is out of reach, "try again in a moment"). A command already answered
    "working on it" gets the apology through its response_url."""
    incident = uuid.uuid4().hex[:8]
    logger.exception("listener failed (error id %s)", incident, exc_info=error)
    if is_database_outage(error):
        text = f"{TRY_AGAIN} (error id {incident})"
    else:
        text = (
            f"Something went wrong on our side (error id {incident}); nothing was changed. "
            "Please try again."
        )
    late = late_ack(context)
    if late is not None:
        late.follow_up({"text": text})
        return None
    return BoltResponse(status=200, body=text)
