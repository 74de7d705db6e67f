"""Load stage: bytes or a path in, a checked article out.

Offsets in a brief index the decoded text exactly as loaded: a UTF-8 byte-order mark is dropped, line
endings are kept (Windows ``\\r\\n`` included), HTML is reduced to its text (and the brief says so).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

from .errors import InputError

__all__ = ["MAX_BYTES", "Article", "article_from_text", "load_article", "parse_published"]

MAX_BYTES = 2_000_000  # ~300k words; longer inputs are refused with this number in the message
MIN_LETTERS = 20  # fewer letters than this is not a report (a title, a stray line): refused with a hint
_HTML_HINT = re.compile(r"<(html|body|p|div|article|br|span|head)\b[^>]*>", re.I)
_STOPWORDS = frozenset(
    [
        "the",
        "of",
        "and",
        "to",
        "in",
        "a",
        "is",
        "that",
        "for",
        "on",
        "was",
        "with",
        "said",
        "as",
        "by",
        "at",
        "from",
        "his",
        "her",
        "their",
        "it",
        "be",
        "have",
        "has",
        "were",
    ]
)


@dataclass
class Article:
    text: str
    name: str = "<text>"
    published: dt.date | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


class _TextOfHTML(HTMLParser):
    _BLOCK: ClassVar[set[str]] = {
        "p",
        "div",
        "br",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "article",
        "section",
        "tr",
        "blockquote",
    }
    _SKIP: ClassVar[set[str]] = {"script", "style", "noscript", "template", "head"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag in self._SKIP:
            self._skip += 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)

    def text(self) -> str:
        raw = "".join(self.parts)
        lines = [re.sub(r"[ \t\f\v]+", " ", ln).strip() for ln in raw.splitlines()]
        return re.sub(r"\n{2,}", "\n", "\n".join(ln for ln in lines if ln)).strip()


def parse_published(value: object, where: str = "published") -> dt.date | None:
    """A publication date from an ISO string (``2016-02-17``, or a timestamp such as
    ``2016-02-17T08:30:00+01:00``: its calendar date as written), a ``date`` or a ``datetime``; ``None`` or
    ``""`` for none. Anything else is an ``InputError``: a date that is silently ignored is worse."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        raw = value.strip()
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            pass
        try:
            return dt.datetime.fromisoformat(raw.replace("Z", "+00:00")).date()
        except ValueError:
            pass
        raise InputError(f"{where} {value!r} is not a date", hint="write it as YYYY-MM-DD")
    raise InputError(
        f"{where}: expected a date (YYYY-MM-DD, datetime.date or datetime.datetime), "
        f"got {type(value).__name__} {value!r}",
        hint="pass the date as an ISO string such as 2016-02-17",
    )


def _too_large(name: str, size: str, max_bytes: int, hint: str) -> InputError:
    return InputError(f"{name}: larger than {max_bytes:,} bytes{size}", hint=hint)


def _utf16_without_bom(data: bytes) -> bool:
    """Text in UTF-16 without a byte-order mark: nearly every other byte is zero, on one side only."""
    sample = data[:4096]
    if len(sample) < 16:
        return False
    half = len(sample) // 2
    even = sample[0::2].count(0) / half
    odd = sample[1::2].count(0) / half
    return (odd > 0.3 and even < 0.05) or (even > 0.3 and odd < 0.05)


def _read_stdin(max_bytes: int) -> bytes:
    stdin = sys.stdin
    closed = InputError("<stdin>: standard input is closed", hint="pipe the article in, or name a file")
    if stdin is None or getattr(stdin, "closed", False):
        raise closed
    try:
        buffer = getattr(stdin, "buffer", None)
        if buffer is not None:
            data: bytes = buffer.read(max_bytes + 1)
            return data
        return str(stdin.read(max_bytes + 1)).encode("utf-8")
    except (ValueError, OSError):  # a closed or unreadable descriptor
        raise closed from None


def _looks_binary(data: bytes) -> bool:
    if b"\x00" in data[:65536]:
        return True
    sample = data[:4096]
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 13, 12))
    return bool(sample) and controls / len(sample) > 0.1


def _decode(data: bytes, name: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{name}: not valid UTF-8 (byte {exc.start})",
            hint="convert it to UTF-8, e.g. iconv -f WINDOWS-1252 -t UTF-8",
        ) from None


def _english_share(text: str) -> float:
    words = re.findall(r"[^\W\d_]+", text[:20000].lower())
    if not words:
        return 0.0
    return sum(w in _STOPWORDS for w in words) / len(words)


def article_from_text(
    text: str, *, name: str = "<text>", published: object | None = None, max_bytes: int = MAX_BYTES
) -> Article:
    """Check a text the caller already holds (the library path). ``published``: see ``parse_published``."""
    if not isinstance(text, str):
        raise InputError(f"{name}: expected text (str), got {type(text).__name__}")
    if len(text) > max_bytes or (
        len(text) * 4 > max_bytes and len(text.encode("utf-8", "surrogatepass")) > max_bytes
    ):
        raise _too_large(name, " (UTF-8)", max_bytes, "split the article into parts and brief each")
    published = parse_published(published)
    if "\x00" in text:
        raise InputError(
            f"{name}: contains a NUL character (at character {text.index(chr(0)):,}): binary or corrupt",
            hint="give the article as plain UTF-8 text",
        )
    if text.startswith("\ufeff"):
        text = text[1:]
    warnings: list[str] = []
    if _HTML_HINT.search(text[:5000]):
        parser = _TextOfHTML()
        parser.feed(text)
        parser.close()
        text = parser.text()
        warnings.append("input was HTML: it was reduced to its text, and offsets refer to that text")
    if not text.strip():
        raise InputError(f"{name}: the article is empty", hint="give a file with the report's text")
    if len(re.findall(r"[^\W\d_]", text)) < MIN_LETTERS:
        raise InputError(
            f"{name}: too little text to brief "
            f"({len(text.strip())} characters; at least {MIN_LETTERS} letters)",
            hint="give the report's whole text",
        )
    if _english_share(text) < 0.1:
        warnings.append(
            "the article does not look English: extraction rules and prompts are tuned for English"
        )
    return Article(text=text, name=name, published=published, warnings=warnings)


def load_article(
    source: str | Path, *, published: dt.date | None = None, max_bytes: int = MAX_BYTES
) -> Article:
    """Read a file (or ``-`` for standard input) and check it. Raises ``InputError`` with a fix."""
    name = str(source)
    if name == "-":
        data = _read_stdin(max_bytes)
        name = "<stdin>"
    else:
        path = Path(source)
        if not path.exists():
            raise InputError(f"{name}: no such file", hint="check the path")
        if path.is_dir():
            raise InputError(f"{name}: is a folder", hint="use `summariser batch` for folders")
        try:
            with path.open("rb") as fh:
                data = fh.read(max_bytes + 1)
        except OSError as exc:
            raise InputError(f"{name}: cannot be read ({exc.strerror})") from None
    if len(data) > max_bytes:
        raise _too_large(name, "", max_bytes, "split the file, or raise --max-bytes")
    if not data.strip():
        raise InputError(f"{name}: the article is empty", hint="give a file with the report's text")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or _utf16_without_bom(data):
        raise InputError(f"{name}: is UTF-16, not UTF-8", hint="convert it: iconv -f UTF-16 -t UTF-8")
    if _looks_binary(data):
        raise InputError(f"{name}: looks like a binary file, not text", hint="give a UTF-8 text or HTML file")
    return article_from_text(_decode(data, name), name=name, published=published, max_bytes=max_bytes)
