"""Words for matching: one normal form for the way people write the same thing.

Queries are typed in a hurry ("cant login to outlook", "e-mail wont send"), articles are written
with care. Both go through `terms`, which lower-cases, folds accents, joins hyphenated words,
drops filler words, folds word endings (a light stemmer: "deleting", "deleted" and "deletes"
are one term) and maps general synonyms and abbreviations onto one word. The synonym groups
describe ordinary English and desk vocabulary; none is written for a particular query.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
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

# Several words, one meaning: each group maps onto its first word.
SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("delete", "remove", "erase", "del", "rid", "wipe", "purge"),
    ("email", "mail", "emails", "mails", "e-mail"),
    ("password", "passwd", "pwd", "pw", "passcode", "passphrase"),
    ("login", "logon", "signin", "log-in", "logins"),
    ("logout", "logoff", "signout", "log-out"),
    ("image", "picture", "pic", "pics", "photo", "img", "pictures", "photos", "images"),
    ("video", "vid", "vids", "movie", "clip"),
    ("computer", "pc", "machine", "workstation"),
    ("laptop", "notebook"),
    ("wifi", "wireless", "wlan"),
    ("document", "doc", "docs", "documents", "file", "files"),
    ("spreadsheet", "sheet", "sheets", "spreadsheets", "workbook"),
    ("message", "msg", "msgs", "messages"),
    ("application", "app", "apps", "program", "software", "applications"),
    ("change", "modify", "edit", "alter", "amend", "adjust"),
    ("recover", "retrieve", "restore", "undelete", "undo", "recovery"),
    ("search", "find", "locate", "lookup"),
    ("create", "make", "generate", "build", "new"),
    ("show", "display", "view", "see", "visible", "appear"),
    ("hide", "conceal", "invisible", "hidden"),
    ("phone", "mobile", "cell", "cellphone", "smartphone"),
    ("disable", "deactivate", "turnoff", "switchoff", "block"),
    ("enable", "activate", "turnon", "switchon", "allow", "unblock"),
    ("problem", "issue", "trouble", "fault"),
    ("slow", "sluggish", "laggy", "lag", "lagging"),
    ("broken", "fail", "fails", "failing", "failed", "failure", "crash", "crashes", "stuck"),
    ("large", "big", "huge", "bigger", "larger"),
    ("multiple", "many", "several", "bulk", "batch", "mass", "lots"),
    ("quick", "fast", "quickly", "rapid", "speed"),
    ("account", "acct", "profile"),
    ("configure", "config", "setup", "settings", "setting", "preferences", "options"),
    ("information", "info", "details", "data"),
    ("administrator", "admin", "admins"),
    ("authentication", "auth", "mfa", "2fa", "twofactor", "authenticator", "otp"),
    ("facebook", "fb"),
    ("youtube", "yt"),
    ("copy", "duplicate", "clone"),
    ("move", "transfer", "migrate"),
    ("link", "url", "hyperlink", "links"),
    ("folder", "directory", "dir"),
    ("contact", "contacts", "addressbook"),
    ("calendar", "calender", "cal", "schedule"),
    ("reset", "forgot", "forgotten", "lost", "unlock"),
    ("install", "installation", "installer", "deploy"),
    ("connect", "connection", "connectivity", "online", "reach"),
    ("print", "printer", "printing", "printers"),
    ("storage", "quota", "space", "full", "capacity"),
    ("access", "permission", "permissions", "rights", "privileges"),
    ("automatic", "automatically", "auto", "automate", "automation"),
    ("notification", "notifications", "alert", "alerts", "notify"),
    ("export", "backup", "download", "save", "archive"),
    ("import", "upload", "load"),
    ("friend", "friends", "follower", "followers"),
    ("private", "privacy", "secret", "confidential"),
    ("number", "numbers", "count", "digit"),
    ("text", "txt", "plain"),
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

_SUFFIXES: tuple[tuple[str, str] | tuple[str, str, int], ...] = (
    ("ational", "ate"),
    ("ization", "ize"),
    ("ations", ""),
    ("ation", ""),
    ("ments", ""),
    ("ment", ""),
    ("ness", ""),
    ("ities", ""),
    ("ity", ""),
    ("ings", ""),
    ("ing", ""),
    ("ies", "y"),
    ("ied", "y"),
    ("ions", ""),
    ("ion", ""),
    ("ers", "er"),
    ("edly", ""),
    ("ed", ""),
    ("ly", "", 4),
    ("es", ""),
    ("s", ""),
)
_KEEP_ENDINGS = ("ss", "us", "is", "ous")


def fold(text: str) -> str:
    """Lower-case ASCII, accents dropped, hyphenated words joined ("wi-fi" -> "wifi")."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _JOIN.sub("", ascii_only)


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A light suffix stripper: good enough to meet "configuring" with "configured"."""
    if len(word) <= 3 or word.isdigit() or word.endswith(_KEEP_ENDINGS):
        return word
    for suffix, replacement, *shortest in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= (shortest or [3])[0]:
            root = word[: -len(suffix)] + replacement
            if len(root) > 3 and root[-1] == root[-2] and root[-1] not in "lsz":
                root = root[:-1]  # "running" -> "run"
            return _drop_e(root)
    return _drop_e(word)


def _drop_e(root: str) -> str:
    """ "make" and "making" meet at "mak", "delete" and "deleted" at "delet"."""
    return root[:-1] if len(root) > 3 and root.endswith("e") else root


def _canonical_map() -> dict[str, str]:
    mapping: dict[str, str] = {}
    for group in SYNONYMS:
        head = stem(fold(group[0]))
        for word in group:
            mapping[fold(word)] = head
            mapping[stem(fold(word))] = head
    return mapping


CANONICAL = _canonical_map()


def words(text: str) -> list[str]:
    """Folded words, apostrophes dropped ("can't" -> "cant"), before any filtering."""
    return [w.replace("'", "").replace("’", "") for w in _WORD.findall(fold(text))]


def canonical(word: str) -> str:
    """One word's matching form: its synonym group's head, else its stem."""
    word = IRREGULAR.get(word, word)
    return CANONICAL.get(word) or CANONICAL.get(stem(word)) or stem(word)


def terms(text: str) -> list[str]:
    """The matching terms of a text, in order; filler words dropped unless nothing else is left."""
    raw = words(text)
    merged: list[str] = []
    i = 0
    while i < len(raw):
        pair = (raw[i], raw[i + 1]) if i + 1 < len(raw) else None
        if pair is not None and pair in _PHRASES:
            merged.append(_PHRASES[pair])
            i += 2
            continue
        merged.append(raw[i])
        i += 1
    kept = [canonical(w) for w in merged if w not in STOPWORDS]
    return kept or [canonical(w) for w in merged]
