"""Words for matching: one normal form for the way people write the same thing.

Queries are typed in a hurry ("cant login to outlook", "e-mail wont send"), articles are written
with care. Both go through `terms`, which lower-cases, folds accents, joins hyphenated words,
drops filler words, folds word endings (the Snowball English stemmer, PyStemmer: "deleting",
"deleted", "deletes" are one term) and maps general synonyms and abbreviations onto one word.
The synonym groups describe ordinary English and desk vocabulary; none is written for a
particular query or data set.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

import Stemmer

_WORD = re.compile(r"[a-z0-9]+")
_APOSTROPHE = re.compile(r"(?<=[a-z0-9])['’](?=[a-z])")
_JOIN = re.compile(r"(?<=[a-z0-9])[-‐‑](?=[a-z0-9])")


def _split(text: str) -> list[str]:
    return text.split()


STOPWORDS = frozenset(
    _split(
        """a about above after again all also am an and any anyone anything are as at be been
    before being best better between both but by can could did do does doing done each either
    else etc even ever every for from further had has have having he her here hers him his how
    however i if in into is it its itself just like me might mine more most much must my
    myself need needs of off often on once only or other our ours out over own per please
    possible quite rather really same she should since so some someone something still such
    than that the their theirs them then there these they thing things this those though
    through to too under until up upon us use used using very via want wants was way ways we
    were what whatever when where whether which while who whom whose why will with within
    without would you your yours yourself im ive id youre theyre dont doesnt didnt cant
    couldnt wont wouldnt isnt arent wasnt shouldnt get gets got getting able sure know
    somehow anyway bit kind sort"""
    )
)

# Several words, one meaning: each group maps onto its first word. Only general English and
# IT-desk vocabulary; each group says why it belongs (a shipped article in kb/articles/, or how
# people write to a desk). A group is never added for one data set's or one query's words.
SYNONYMS: tuple[tuple[str, ...], ...] = (
    # KB-11 ("jobs will not print or delete"), deleting mail and files: the words people use.
    ("delete", "remove", "erase", "rid", "wipe", "purge"),
    # KB-6, KB-12, KB-21 write "e-mail"; users write mail, email, emails.
    ("email", "mail", "emails", "mails"),
    # KB-1: the abbreviations people type for a password.
    ("password", "passwd", "pwd", "pw", "passcode", "passphrase"),
    # KB-28 "log in", KB-3 lockouts: one act, four spellings.
    ("login", "logon", "signin", "logins"),
    ("logout", "logoff", "signout"),
    # Screenshots, scanned pages (KB-12), photos attached to a case.
    ("image", "picture", "pic", "pics", "photo", "img", "screenshot"),
    # Teams calls (KB-24), recordings.
    ("video", "vid", "vids", "movie"),
    # Desk usage: the device on the desk.
    ("computer", "pc", "desktop", "workstation"),
    # KB-13, KB-14, KB-32.
    ("laptop", "notebook"),
    # KB-16, KB-17.
    ("wifi", "wireless", "wlan"),
    # KB-20 file shares: users say file and document for the same thing.
    ("document", "doc", "docs", "file", "files"),
    # KB-19 (Excel).
    ("spreadsheet", "sheet", "sheets", "workbook"),
    ("message", "msg", "msgs"),
    # KB-22, KB-28: "the app", "the program", "the software".
    ("application", "app", "apps", "program", "software"),
    ("change", "modify", "edit", "alter", "amend", "adjust"),
    # KB-25, file shares: getting back what was deleted.
    ("recover", "retrieve", "restore", "undelete", "recovery"),
    ("search", "find", "locate", "lookup"),
    ("create", "generate"),
    ("show", "display", "view", "visible"),
    ("hide", "conceal", "invisible", "hidden"),
    # KB-2 (new phone), KB-26: the phone in a requester's hand.
    ("phone", "mobile", "cellphone", "smartphone"),
    ("disable", "deactivate", "turnoff", "switchoff"),
    ("enable", "activate", "turnon", "switchon"),
    ("problem", "issue", "trouble", "fault"),
    # KB-14 "Laptop is slow".
    ("slow", "sluggish", "laggy", "lag", "lagging"),
    # How requesters say something stopped working (KB-11 "stuck", KB-13, KB-28).
    ("broken", "fail", "fails", "failing", "failed", "failure", "crash", "crashes", "stuck"),
    ("large", "big", "huge"),
    ("multiple", "many", "several", "bulk", "batch"),
    ("quick", "fast", "quickly", "rapid"),
    # KB-3, KB-23: the user's account.
    ("account", "acct", "profile"),
    ("configure", "config", "setup", "settings", "setting", "preferences", "options"),
    ("information", "info", "details"),
    ("administrator", "admin", "admins"),
    # KB-2, KB-29: every name of the second factor.
    ("authentication", "auth", "mfa", "2fa", "twofactor", "authenticator", "otp"),
    ("copy", "duplicate", "clone"),
    ("move", "transfer", "migrate"),
    ("link", "url", "hyperlink"),
    # KB-20 "shared network drive or folder".
    ("folder", "directory", "dir"),
    # Outlook's address book (KB-8, KB-9).
    ("contact", "contacts", "addressbook"),
    # KB-8; "calender" is the common misspelling.
    ("calendar", "calender"),
    # KB-1 "Reset a forgotten password": forgot and forgotten become "forget" (IRREGULAR).
    ("reset", "forget"),
    # KB-22 software requests.
    ("install", "installation", "installer", "deploy"),
    # KB-4, KB-9: connecting.
    ("connect", "connectivity"),
    # KB-10, KB-11.
    ("print", "printer", "printing", "printers"),
    # KB-6 "Mailbox full", OneDrive quota (KB-25).
    ("storage", "quota", "space", "full", "capacity"),
    # KB-7, KB-20: access to mailboxes and shares.
    ("access", "permission", "permissions", "rights", "privileges"),
    # KB-31 "automatic reply".
    ("automatic", "automatically", "auto", "automate", "automation"),
    ("notification", "notifications", "alert", "alerts", "notify"),
    # KB-19 "Export payroll data": a copy taken out of a system.
    ("export", "backup", "download"),
    ("import", "upload"),
    ("private", "privacy", "confidential"),
    ("number", "numbers", "digit"),
    ("text", "txt"),
    # Endings a stemmer does not fold: weekly and daily reports, schedules.
    ("week", "weekly"),
    ("day", "daily", "days"),
)

# Irregular forms a suffix stripper cannot reach.
IRREGULAR = {
    "sent": "send",
    "made": "make",
    "lost": "lose",
    "wrote": "write",
    "written": "write",
    "took": "take",
    "taken": "take",
    "went": "go",
    "gone": "go",
    "saw": "see",
    "seen": "see",
    "found": "find",
    "chose": "choose",
    "chosen": "choose",
    "gave": "give",
    "given": "give",
    "kept": "keep",
    "left": "leave",
    "forgot": "forget",
    "forgotten": "forget",
    "hid": "hide",
    "ran": "run",
    "shown": "show",
    "knew": "know",
    "known": "know",
    "told": "tell",
    "thought": "think",
    "bought": "buy",
    "paid": "pay",
    "said": "say",
    "began": "begin",
    "begun": "begin",
    "children": "child",
    "people": "person",
    "men": "man",
    "women": "woman",
}

# Two words written for one: "log in" is "login".
_PHRASES = {
    ("log", "in"): "login",
    ("log", "on"): "login",
    ("sign", "in"): "login",
    ("log", "out"): "logout",
    ("log", "off"): "logout",
    ("sign", "out"): "logout",
    ("turn", "off"): "disable",
    ("switch", "off"): "disable",
    ("turn", "on"): "enable",
    ("switch", "on"): "enable",
    ("get", "rid"): "delete",
    ("back", "up"): "export",
    ("set", "up"): "configure",
    ("look", "up"): "search",
    ("two", "factor"): "authentication",
    ("address", "book"): "contact",
    ("e", "mail"): "email",
}

_PHRASE_SECONDS = frozenset(second for _, second in _PHRASES)


def fold(text: str) -> str:
    """Lower-case ASCII, accents dropped, hyphenated words joined ("wi-fi" -> "wifi")."""
    lowered = text.lower()
    if not lowered.isascii():
        decomposed = unicodedata.normalize("NFKD", lowered)
        lowered = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _JOIN.sub("", lowered) if "-" in lowered or not lowered.isascii() else lowered


_STEMMER = Stemmer.Stemmer("english")
_STEM_LOCK = threading.Lock()  # a PyStemmer object is not safe to share between threads


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A word's Snowball (Porter2) stem ("configuring", "configured" -> "configur"); words with
    digits ("2fa", "e150") stay as they are."""
    if len(word) <= 2 or not word.isalpha():
        return word
    with _STEM_LOCK:
        return str(_STEMMER.stemWord(word))


def _canonical_map(groups: tuple[tuple[str, ...], ...]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for group in groups:
        head = stem(fold(group[0]))
        for word in group:
            mapping[fold(word)] = head
            mapping[stem(fold(word))] = head
    return mapping


CANONICAL = _canonical_map(SYNONYMS)
_WORD_CACHE_MAX = 200_000
_canonical_cache: dict[str, str] = {}


@contextmanager
def synonyms_off() -> Iterator[None]:
    """Match without the synonym groups, for `python -m kb eval --ablation` only: the groups
    are measured, not assumed."""
    global CANONICAL
    saved = CANONICAL
    CANONICAL = {}
    _canonical_cache.clear()
    try:
        yield
    finally:
        CANONICAL = saved
        _canonical_cache.clear()


def words(text: str) -> list[str]:
    """Folded words, apostrophes dropped ("can't" -> "cant"), before any filtering."""
    folded = fold(text)
    if "'" in folded or "’" in folded:
        folded = _APOSTROPHE.sub("", folded)
    return _WORD.findall(folded)


def plain_words(text: str) -> list[str]:
    """The words as typed (folded, not stemmed, no synonyms), filler dropped: what letter
    likeness compares."""
    return [w for w in words(text) if w not in STOPWORDS]


def canonical(word: str) -> str:
    """One word's matching form: its synonym group's head, else its stem (cached: building a
    large base asks for the same words again and again)."""
    found = _canonical_cache.get(word)
    if found is None:
        plain = IRREGULAR.get(word, word)
        found = CANONICAL.get(plain) or CANONICAL.get(stem(plain)) or stem(plain)
        if len(_canonical_cache) >= _WORD_CACHE_MAX:
            _canonical_cache.clear()
        _canonical_cache[word] = found
    return found


def terms(text: str) -> list[str]:
    """The matching terms of a text, in order; filler words dropped unless nothing else is left."""
    return terms_of(words(text))


def terms_of(raw: list[str]) -> list[str]:
    """`terms` of already split words (`words`), so a caller that needs both splits once."""
    if _PHRASE_SECONDS.isdisjoint(raw):  # most texts: no two-word phrase to join
        cache = _canonical_cache
        kept = [cache.get(w) or canonical(w) for w in raw if w not in STOPWORDS]
        return kept or [canonical(w) for w in raw]
    merged: list[str] = []
    i = 0
    last = len(raw) - 1
    phrases = _PHRASES
    while i <= last:
        if i < last and raw[i + 1] in _PHRASE_SECONDS:
            joined = phrases.get((raw[i], raw[i + 1]))
            if joined is not None:
                merged.append(joined)
                i += 2
                continue
        merged.append(raw[i])
        i += 1
    cache = _canonical_cache
    kept = [cache.get(w) or canonical(w) for w in merged if w not in STOPWORDS]
    return kept or [canonical(w) for w in merged]
