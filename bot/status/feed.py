"""BCAST-2's feed: Atom 1.0 (RFC 4287) from the status document, one entry per announcement
(the notice, each status update, the resolution), newest first. An entry's id never changes,
so a feed reader shows each announcement once however often the feed is read."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

ATOM = "http://www.w3.org/2005/Atom"
KIND_WORDS = {"notice": "Major incident", "update": "Update", "resolution": "Resolved"}


def atom_feed(document: dict[str, Any], *, author: str) -> bytes:
    """The feed for `document` (status.json's shape); `author` is the desk that speaks."""
    page = document["page"]
    entries = [
        (entry, incident) for incident in document["incidents"] for entry in incident["updates"]
    ]
    entries.sort(key=lambda pair: (pair[0]["at"], pair[0]["id"]), reverse=True)
    feed = ET.Element("feed", xmlns=ATOM)
    _text(feed, "id", f"{page['url']}.atom")
    _text(feed, "title", page["title"])
    _text(feed, "subtitle", "Major incidents, their updates and resolutions")
    _text(feed, "updated", entries[0][0]["at"] if entries else document["generated_at"])
    ET.SubElement(feed, "link", rel="self", type="application/atom+xml", href=f"{page['url']}.atom")
    ET.SubElement(feed, "link", rel="alternate", type="text/html", href=page["url"])
    _text(ET.SubElement(feed, "author"), "name", author)
    _text(feed, "generator", "Casedesk")
    for entry, incident in entries:
        _entry(feed, page["url"], entry, incident)
    body: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return body


def entry_urn(page_url: str, entry: dict[str, Any]) -> str:
    """A tag URI (RFC 4151) from the page's host, the year of the entry and its own id."""
    host = urlsplit(page_url).hostname or "localhost"
    return f"tag:{host},{entry['at'][:4]}:{entry['id']}"


def _entry(feed: ET.Element, url: str, entry: dict[str, Any], incident: dict[str, Any]) -> None:
    item = ET.SubElement(feed, "entry")
    _text(item, "id", entry_urn(url, entry))
    title = f"{incident['number']} {KIND_WORDS[entry['kind']]}: {incident['title']}"
    _text(item, "title", title)
    _text(item, "published", entry["at"])
    _text(item, "updated", entry["at"])
    ET.SubElement(
        item, "link", rel="alternate", type="text/html", href=f"{url}#{incident['number']}"
    )
    for service in incident["service_names"]:
        ET.SubElement(item, "category", term=service)
    content = ET.SubElement(item, "content", type="text")
    content.text = f"{entry['text']}\n\nAffected: {', '.join(incident['service_names'])}."


def _text(parent: ET.Element, tag: str, value: str) -> None:
    ET.SubElement(parent, tag).text = value
