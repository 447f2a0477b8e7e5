"""Words for matching: one normal form for the way people write the same thing.

Queries are typed in a hurry ("cant login to outlook", "e-mail wont send"), articles are written
with care. Both go through `terms`, which lower-cases, folds accents, joins hyphenated words,
drops filler words, folds word endings (the Porter stemmer: "deleting", "deleted", "deletes"
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
    ("export", "backup", "download"),
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

# -- the Porter stemmer ---------------------------------------------------------------------
# M. F. Porter, "An algorithm for suffix stripping" (1980), with the two departures common
# implementations make (SQLite's FTS5 "porter" tokenizer too): "bli" -> "ble" and "logi" -> "log"
# in step 2. It gives the same stems as SQLite's tokenizer.

_VOWELS = frozenset("aeiou")


def _consonant(word: str, i: int) -> bool:
    char = word[i]
    if char in _VOWELS:
        return False
    if char == "y":
        return i == 0 or not _consonant(word, i - 1)
    return True


def _measure(stem_: str) -> int:
    """m in [C](VC){m}[V]: how many vowel-consonant runs the stem has."""
    m = 0
    previous_vowel = False
    for i in range(len(stem_)):
        vowel = not _consonant(stem_, i)
        if previous_vowel and not vowel:
            m += 1
        previous_vowel = vowel
    return m


def _has_vowel(stem_: str) -> bool:
    return any(not _consonant(stem_, i) for i in range(len(stem_)))


def _double_consonant(word: str) -> bool:
    return len(word) >= 2 and word[-1] == word[-2] and _consonant(word, len(word) - 1)


def _cvc(word: str) -> bool:
    """Ends consonant-vowel-consonant, the last not w, x or y ("hop", not "snow")."""
    if len(word) < 3:
        return False
    last = len(word) - 1
    return (
        _consonant(word, last)
        and not _consonant(word, last - 1)
        and _consonant(word, last - 2)
        and word[-1] not in "wxy"
    )


_STEP2 = (
    ("ational", "ate"),
    ("tional", "tion"),
    ("enci", "ence"),
    ("anci", "ance"),
    ("izer", "ize"),
    ("bli", "ble"),
    ("alli", "al"),
    ("entli", "ent"),
    ("eli", "e"),
    ("ousli", "ous"),
    ("ization", "ize"),
    ("ation", "ate"),
    ("ator", "ate"),
    ("alism", "al"),
    ("iveness", "ive"),
    ("fulness", "ful"),
    ("ousness", "ous"),
    ("aliti", "al"),
    ("iviti", "ive"),
    ("biliti", "ble"),
    ("logi", "log"),
)
_STEP3 = (
    ("icate", "ic"),
    ("ative", ""),
    ("alize", "al"),
    ("iciti", "ic"),
    ("ical", "ic"),
    ("ful", ""),
    ("ness", ""),
)
_STEP4 = _split("al ance ence er ic able ible ant ement ment ent ion ou ism ate iti ous ive ize")


def _replace(word: str, rules: tuple[tuple[str, str], ...], min_measure: int) -> str:
    """The first rule whose suffix ends the word applies, if the stem left is long enough."""
    for suffix, replacement in rules:
        if word.endswith(suffix):
            base = word[: -len(suffix)]
            return base + replacement if _measure(base) > min_measure else word
    return word


def porter(word: str) -> str:
    """The Porter stem of a lower-case word ("connections", "connected" -> "connect")."""
    if len(word) <= 2:
        return word
    # Step 1a: plurals.
    if word.endswith("sses") or word.endswith("ies"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    # Step 1b: -ed and -ing.
    if word.endswith("eed"):
        if _measure(word[:-3]) > 0:
            word = word[:-1]
    else:
        for suffix in ("ed", "ing"):
            if word.endswith(suffix) and _has_vowel(word[: -len(suffix)]):
                word = word[: -len(suffix)]
                if word.endswith(("at", "bl", "iz")):
                    word += "e"
                elif _double_consonant(word) and word[-1] not in "lsz":
                    word = word[:-1]
                elif _measure(word) == 1 and _cvc(word):
                    word += "e"
                break
    # Step 1c: a final y after a vowel-bearing stem becomes i.
    if word.endswith("y") and _has_vowel(word[:-1]):
        word = word[:-1] + "i"
    # Steps 2 and 3: double and single suffixes onto simpler ones.
    word = _replace(word, _STEP2, 0)
    word = _replace(word, _STEP3, 0)
    # Step 4: drop the last suffix from a long enough stem.
    for suffix in _STEP4:
        if word.endswith(suffix):
            base = word[: -len(suffix)]
            if _measure(base) > 1 and (suffix != "ion" or base.endswith(("s", "t"))):
                word = base
            break
    # Step 5: a final e, and a double l.
    if word.endswith("e"):
        base = word[:-1]
        m = _measure(base)
        if m > 1 or (m == 1 and not _cvc(base)):
            word = base
    if word.endswith("ll") and _measure(word) > 1:
        word = word[:-1]
    return word


def fold(text: str) -> str:
    """Lower-case ASCII, accents dropped, hyphenated words joined ("wi-fi" -> "wifi")."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _JOIN.sub("", ascii_only)


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A word's Porter stem ("configuring", "configured" -> "configur"); "2fa" stays as it is."""
    if len(word) <= 2 or not word.isalpha():
        return word
    return porter(word)


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


def plain_words(text: str) -> list[str]:
    """The words as typed (folded, not stemmed, no synonyms), filler dropped: what letter
    likeness compares."""
    return [w for w in words(text) if w not in STOPWORDS]


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
