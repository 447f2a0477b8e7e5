"""BCAST-2's page: server-rendered HTML from the status document, readable without JavaScript
on a phone and on a wall screen. Every value from the document is escaped; the one inline
script (times in the reader's zone) and the style sheet are allowed by hash in the
Content-Security-Policy, so even an escaping slip could not run a script."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime
from html import escape
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

REFRESH_SECONDS = 60
EARLIER_SHOWN = 10  # older updates of one incident shown under "Earlier updates"
STYLE = """
:root{--ink:#1a1a1a;--muted:#4a4a4a;--line:#c8c8c8;--paper:#fff;--band:#f3f4f6}
*{box-sizing:border-box}
body{margin:0;font:100%/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
color:var(--ink);background:var(--paper)}
header,main,footer{max-width:72rem;margin:0 auto;padding:1rem}
main{padding-top:0}
h1{font-size:clamp(1.5rem,3vw,2.6rem);margin:.2em 0}
h2{font-size:clamp(1.2rem,2.2vw,1.9rem);margin:1.6em 0 .5em;border-bottom:2px solid var(--line)}
h3{font-size:clamp(1.05rem,1.8vw,1.5rem);margin:.2em 0}
.banner{font-size:clamp(1.1rem,2vw,1.7rem);font-weight:700;padding:.6em 1em;border-radius:.4em;
color:#fff}
.banner-ok{background:#1b5e20}.banner-bad{background:#a00018}.banner-planned{background:#1f4e9c}
.muted{color:var(--muted)}
.incident{border:2px solid var(--line);border-left:.5rem solid #a00018;border-radius:.4em;
padding:.8em 1em;margin:1em 0;background:var(--paper)}
.incident.resolved{border-left-color:#1b5e20}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2em 1em;margin:.6em 0}
dt{font-weight:700}dd{margin:0}
.badge{display:inline-block;padding:.1em .6em;border-radius:1em;font-weight:700;color:#fff;
white-space:nowrap}
.s-outage,.s-investigating{background:#a00018}.s-degraded,.s-monitoring{background:#8a4500}
.s-operational,.s-resolved{background:#1b5e20}.s-planned,.s-closed{background:#1f4e9c}
.prio{background:#3a3a3a}
.services{list-style:none;padding:0;display:grid;
grid-template-columns:repeat(auto-fill,minmax(16rem,1fr));gap:.5em}
.services li{display:flex;justify-content:space-between;align-items:center;gap:.5em;
padding:.6em .8em;background:var(--band);border-radius:.4em}
.latest{background:var(--band);padding:.6em .8em;border-radius:.4em;white-space:pre-line}
.updates li{margin:.4em 0;white-space:pre-line}
form{background:var(--band);padding:1em;border-radius:.4em}
label{font-weight:600}
input[type=email]{font-size:1rem;padding:.5em;width:min(100%,24rem);border:2px solid #5a5a5a;
border-radius:.3em}
fieldset{border:1px solid var(--line);margin:.8em 0}
fieldset label{display:inline-block;margin:.2em 1em .2em 0;font-weight:400}
button{font-size:1rem;padding:.5em 1.2em;background:#1f4e9c;color:#fff;border:0;border-radius:.3em}
a{color:#0b4f9c}
:focus-visible{outline:3px solid #0b4f9c;outline-offset:2px}
@media (min-width:120rem){body{font-size:125%}header,main,footer{max-width:110rem}}
"""
SCRIPT = (
    "(function(){var f=new Intl.DateTimeFormat(undefined,{weekday:'short',day:'numeric',"
    "month:'short',hour:'2-digit',minute:'2-digit',timeZoneName:'short'});"
    "document.querySelectorAll('time[datetime]').forEach(function(t){"
    "var d=new Date(t.getAttribute('datetime'));if(!isNaN(d)){t.textContent=f.format(d);}});})();"
)


def _digest(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


CONTENT_SECURITY_POLICY = (
    f"default-src 'none'; script-src 'sha256-{_digest(SCRIPT)}'; "
    f"style-src 'sha256-{_digest(STYLE)}'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; "
    "frame-ancestors 'none'"
)


def status_page(
    document: dict[str, Any], *, zone: str, token: str | None = None, subscribe: bool = True
) -> str:
    """The page for `document` (status.json's shape). Times fall back to the desk's `zone`;
    with a shared `token` its links and form carry it."""
    page = _Page(document, ZoneInfo(zone), token)
    return page.render(subscribe=subscribe)


class _Page:
    def __init__(self, document: dict[str, Any], zone: ZoneInfo, token: str | None) -> None:
        self.doc = document
        self.zone = zone
        self.token = token
        self.now = _moment(document["generated_at"])
        self.current = [i for i in document["incidents"] if i["resolved_at"] is None]
        self.resolved = [i for i in document["incidents"] if i["resolved_at"] is not None]
        self.names = {s["key"]: s["name"] for s in document["services"]}

    def render(self, *, subscribe: bool) -> str:
        title = e(self.doc["page"]["title"])
        parts = [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f'<meta http-equiv="refresh" content="{REFRESH_SECONDS}">',
            f"<title>{self._title_prefix()}{title}</title>",
            f'<link rel="alternate" type="application/atom+xml" title="{title}" '
            f'href="{self._link("status.atom")}">',
            '<link rel="icon" type="image/svg+xml" href="status/favicon.svg">',
            f"<style>{STYLE}</style>",
            "</head>",
            "<body>",
            "<header>",
            f"<h1>{title}</h1>",
            self._banner(),
            f'<p class="muted">Last changed {self._time(self.doc["generated_at"])}; this page '
            f"refreshes itself every {REFRESH_SECONDS} seconds.</p>",
            "</header>",
            "<main>",
            self._current(),
            self._services(),
            self._planned(),
            self._resolved(),
            self._subscribe() if subscribe else "",
            "</main>",
            "<footer>",
            f'<p class="muted">Also as <a href="{self._link("status.atom")}">an Atom feed</a> '
            f'and <a href="{self._link("status.json")}">JSON</a>. Times are shown in your '
            "time zone when your browser runs scripts, else in the service desk's.</p>",
            "</footer>",
            f"<script>{SCRIPT}</script>",
            "</body>",
            "</html>",
        ]
        return "\n".join(p for p in parts if p) + "\n"

    def _title_prefix(self) -> str:
        count = len(self.current)
        return f"({count}) " if count else ""

    def _banner(self) -> str:
        count = len(self.current)
        if count:
            words = "1 major incident" if count == 1 else f"{count} major incidents"
            return f'<p class="banner banner-bad" role="status">{words} in progress</p>'
        if any(s["state"] == "planned" for s in self.doc["services"]):
            return '<p class="banner banner-planned" role="status">Planned work in progress</p>'
        return '<p class="banner banner-ok" role="status">All services are operating normally</p>'

    def _current(self) -> str:
        out = ['<section aria-labelledby="current">', '<h2 id="current">Current incidents</h2>']
        if not self.current:
            out.append("<p>No major incidents right now.</p>")
        out += [self._incident(i) for i in self.current]
        out.append("</section>")
        return "\n".join(out)

    def _incident(self, incident: dict[str, Any]) -> str:
        number = e(incident["number"])
        resolved = incident["resolved_at"] is not None
        updates = list(reversed(incident["updates"]))  # newest first
        latest = next((u for u in updates if u["kind"] == "update"), None)
        rows = [
            ("Affected", e(", ".join(self.names.get(k, k) for k in incident["services"]))),
            ("Impact", e(incident["impact"])),
            ("Started", self._time(incident["started_at"])),
        ]
        if resolved:
            rows.append(("Resolved", self._time(incident["resolved_at"])))
        else:
            rows.append(("Last update", self._time(incident["updated_at"])))
            rows.append(("Next update", self._next(incident["next_update_due"])))
        badge = (
            f'<span class="badge s-{e(incident["status"])}">{e(incident["status_label"])}</span> '
            f'<span class="badge prio">{e(_priority(incident))}</span>'
        )
        out = [
            f'<article class="incident{" resolved" if resolved else ""}" id="{number}" '
            f'aria-labelledby="{number}-title">',
            f'<h3 id="{number}-title">{number}: {e(incident["title"])}</h3>',
            f"<p>{badge}</p>",
            "<dl>" + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows) + "</dl>",
        ]
        if resolved and incident["resolution"]:
            out.append(
                f'<p class="latest"><strong>Resolution:</strong> {e(incident["resolution"])}</p>'
            )
        elif latest is not None:
            out.append(
                f'<p class="latest"><strong>Latest update</strong> '
                f"({self._time(latest['at'])}): {e(latest['text'])}</p>"
            )
        earlier = [u for u in updates if u is not latest][:EARLIER_SHOWN]
        if earlier:
            more = len(updates) - len(earlier) - (1 if latest is not None else 0)
            items = "".join(f"<li>{self._time(u['at'])}: {e(u['text'])}</li>" for u in earlier)
            tail = f'<p class="muted">{more} earlier in the feed.</p>' if more > 0 else ""
            label = "Earlier updates" if latest is not None else "Updates"
            out.append(
                f'<details><summary>{label}</summary><ol class="updates">{items}</ol>'
                f"{tail}</details>"
            )
        out.append("</article>")
        return "\n".join(out)

    def _next(self, due: str | None) -> str:
        if due is None:
            return "When there is news"
        late = " (overdue)" if _moment(due) <= self.now else ""
        return f"By {self._time(due)}{late}"

    def _services(self) -> str:
        items = "".join(
            f"<li><span>{e(s['name'])}</span> "
            f'<span class="badge s-{e(s["state"])}">{e(s["state_label"])}</span></li>'
            for s in self.doc["services"]
        )
        return (
            '<section aria-labelledby="services"><h2 id="services">Services</h2>'
            f'<ul class="services">{items}</ul></section>'
        )

    def _planned(self) -> str:
        if not self.doc["planned"]:
            return ""
        items = "".join(
            f"<li><strong>{e(w['service_name'])}</strong>: {e(w['title'])} "
            f"({'in progress, ' if w['in_progress'] else ''}{self._time(w['starts_at'])} to "
            f"{self._time(w['ends_at'])}; {e(w['ref'])})</li>"
            for w in self.doc["planned"]
        )
        return (
            '<section aria-labelledby="planned"><h2 id="planned">Planned work</h2>'
            f"<ul>{items}</ul></section>"
        )

    def _resolved(self) -> str:
        out = ['<section aria-labelledby="resolved">', '<h2 id="resolved">Recently resolved</h2>']
        if not self.resolved:
            out.append("<p>No incidents resolved recently.</p>")
        out += [self._incident(i) for i in self.resolved]
        out.append("</section>")
        return "\n".join(out)

    def _subscribe(self) -> str:
        boxes = "".join(
            f'<label><input type="checkbox" name="service" value="{e(s["key"])}" checked> '
            f"{e(s['name'])}</label>"
            for s in self.doc["services"]
        )
        hidden = f'<input type="hidden" name="token" value="{e(self.token)}">' if self.token else ""
        return (
            '<section aria-labelledby="get-updates"><h2 id="get-updates">Get updates</h2>'
            f'<form method="post" action="{self._link("status/subscribe", token=False)}">{hidden}'
            '<p><label for="email">Your e-mail address</label><br>'
            '<input type="email" id="email" name="email" required autocomplete="email" '
            'maxlength="254"></p>'
            f"<fieldset><legend>Services to hear about</legend>{boxes}</fieldset>"
            '<p><button type="submit">Subscribe</button></p>'
            '<p class="muted">We send a confirmation first; every message has a one-click '
            "unsubscribe link.</p></form></section>"
        )

    def _time(self, value: str) -> str:
        """A time in the desk's zone, replaced by the reader's own by the page's script."""
        moment = _moment(value).astimezone(self.zone)
        shown = f"{moment:%a} {moment.day} {moment:%b %H:%M} {moment.tzname()}"
        return f'<time datetime="{e(value)}">{e(shown)}</time>'

    def _link(self, path: str, *, token: bool = True) -> str:
        if token and self.token:
            path = f"{path}?token={quote(self.token, safe='')}"
        return e(path)


def _priority(incident: dict[str, Any]) -> str:
    label = incident.get("priority_label") or ""
    return f"{incident['priority']} {label}".strip()


def _moment(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def e(value: Any) -> str:
    """Escaped for HTML text and quoted attributes."""
    return escape(str(value), quote=True)
