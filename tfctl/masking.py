"""Secret masking: the `Secret` type, the streaming `Masker`, and its logging filter.

A `Masker` holds the secrets of one run. It replaces every registered value, and every form the
value takes in transit (URL-encoded, JSON-escaped, HCL-quoted, base64 at each of the three byte
alignments), with the fixed token `***`. Matching is one Aho-Corasick pass (ahocorasick-rs), so
the cost per line does not grow with the number of secrets.

Coverage notes, so nobody relies on more than is there:
- base64 is covered standalone (standard and URL-safe alphabets, with and without padding) and
  embedded in a longer blob at any byte offset: the characters that depend only on the secret's
  bytes are masked; the one or two boundary characters shared with neighbouring bytes are not.
  Base64 wrapped across lines (MIME, 76 columns) is not covered.
- Multi-line secrets (PEM keys) are masked whole, and each of their lines (stripped, >= 4 chars)
  is also masked on its own, because terraform re-indents multi-line strings in its plan output.
- Values shorter than 4 characters, or blank, are refused: they would mask ordinary text.
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import os
import re
import stat
import sys
import threading
import urllib.parse
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final

__all__ = ["MASK", "MIN_SECRET_LENGTH", "Masker", "Secret", "StreamMasker", "transit_forms"]

log = logging.getLogger(__name__)

MASK: Final = "***"
MIN_SECRET_LENGTH: Final = 4
# A partial line longer than this is emitted without waiting for its newline (bounded memory).
MAX_HOLD: Final = 64 * 1024
# Above this many pattern characters the DFA would cost too much memory to build.
_DFA_LIMIT: Final = 2_000_000

_GO_JSON_ESCAPES: Final = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_GO_SHORT_ESCAPES: Final = {
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\v": "\\v",
}
_PERCENT_HEX = re.compile(r"%[0-9A-F]{2}")
# PEM armour lines are public and identical across keys; masking them alone hides nothing
_PEM_ARMOUR = re.compile(r"-----(BEGIN|END) [A-Z0-9 ]+-----")


class Secret:
    """A string that prints as `***` everywhere (str, repr, format); `.reveal()` returns it.

    Equality and hashing use the value, so secrets work as dict keys and in sets.
    """

    __slots__ = ("_value",)
    _value: str

    def __init__(self, value: str) -> None:
        object.__setattr__(self, "_value", value)

    def reveal(self) -> str:
        """The clear-text value. Call it only where the value must leave the process."""
        return self._value

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Secret is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("Secret is immutable")

    def __str__(self) -> str:
        return MASK

    def __repr__(self) -> str:
        return f"Secret({MASK!r})"

    def __format__(self, format_spec: str) -> str:
        return format(MASK, format_spec)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Secret):
            return NotImplemented
        # constant time: equality must not leak a prefix through timing
        import hmac  # lazy: it loads OpenSSL, ~3 ms of every start-up

        return hmac.compare_digest(self._value.encode(), other._value.encode())

    def __hash__(self) -> int:
        return hash((Secret, self._value))

    def __reduce__(self) -> Any:
        # pickling would write the value to disk; refuse rather than leak
        raise TypeError("Secret cannot be pickled")


def secret_tree(value: Any) -> Any:
    """A copy of a JSON value (a sensitive output) with each string wrapped in Secret; dicts,
    lists, numbers, bools and null keep their type, so the value stays typed."""
    if isinstance(value, str):
        return Secret(value)
    if isinstance(value, dict):
        return {key: secret_tree(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [secret_tree(item) for item in value]
    return value


def reveal_tree(value: Any) -> Any:
    """The plain JSON value of a secret_tree (every Secret revealed)."""
    if isinstance(value, Secret):
        return value.reveal()
    if isinstance(value, dict):
        return {key: reveal_tree(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [reveal_tree(item) for item in value]
    return value


def _url_forms(value: str) -> set[str]:
    forms = {
        urllib.parse.quote(value, safe=""),
        urllib.parse.quote(value),
        urllib.parse.quote_plus(value),
        urllib.parse.quote_plus(value, safe="/"),
    }
    # some encoders emit lower-case hex (%2f)
    forms |= {_PERCENT_HEX.sub(lambda m: m.group(0).lower(), form) for form in forms}
    return forms


def go_quote(value: str) -> str:
    """Go's strconv.Quote without the surrounding quotes (terraform's `%q`, cty's errors)."""
    parts: list[str] = []
    for char in value:
        if char in '"\\':
            parts.append("\\" + char)
        elif char.isprintable():  # Python's printable set is Go's IsPrint: L, M, N, P, S, space
            parts.append(char)
        elif char in _GO_SHORT_ESCAPES:
            parts.append(_GO_SHORT_ESCAPES[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            parts.append(f"\\x{ord(char):02x}")
        elif ord(char) < 0x10000:
            parts.append(f"\\u{ord(char):04x}")
        else:
            parts.append(f"\\U{ord(char):08x}")
    return "".join(parts)


def _json_ascii(value: str) -> str:
    return json.dumps(value)[1:-1]


def _json_unicode(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)[1:-1]


def _go_json(value: str) -> str:
    """Go's encoding/json (terraform's -json output): also escapes <, >, & and U+2028/9."""
    return "".join(_GO_JSON_ESCAPES.get(char, char) for char in _json_unicode(value))


def _go_json_old(value: str) -> str:
    """Go < 1.22 wrote \\b and \\f as \\u0008 and \\u000c (terraform 1.0.x)."""
    if "\b" not in value and "\f" not in value:
        return _go_json(value)
    return "".join(f"\\u{ord(c):04x}" if c in "\b\f" else _go_json(c) for c in value)


# One layer of quoting each; terraform stacks them (jsonencode() inside a %q inside -json).
_ENCODERS: Final = (_json_ascii, _json_unicode, _go_json, _go_json_old, go_quote)
#: Quoting layers the transit forms cover (matched by the automaton, even in text not decoded).
FORM_DEPTH: Final = 2
#: Quoting layers the decoding pass unwraps (quoted strings inside quoted strings).
DECODE_DEPTH: Final = 4


def _json_forms(value: str) -> set[str]:
    forms: set[str] = set()
    layer = {value}
    for _ in range(FORM_DEPTH):
        layer = {encode(form) for form in layer for encode in _ENCODERS}
        forms |= layer
    # HCL string literal as terraform prints it in a plan
    forms.add(_json_unicode(value).replace("${", "$${").replace("%{", "%%{"))
    return forms


def _base64_forms(data: bytes) -> set[str]:
    forms: set[str] = set()
    for encode in (base64.b64encode, base64.urlsafe_b64encode):
        full = encode(data).decode("ascii")
        forms.add(full)
        forms.add(full.rstrip("="))
        for offset in range(3):
            # characters of b64(k bytes + data) that depend only on data's bits
            encoded = encode(b"\0" * offset + data).decode("ascii")
            first = -(-8 * offset // 6)
            last = (8 * (offset + len(data))) // 6
            forms.add(encoded[first:last])
    return forms


def transit_forms(value: str) -> set[str]:
    """Every form of `value` the Masker hides: itself, URL, JSON/HCL-escaped and base64 forms.

    Forms shorter than MIN_SECRET_LENGTH are dropped (they would mask ordinary text).
    """
    forms = {value}
    stripped = value.strip()
    forms.add(stripped)
    forms |= _url_forms(value)
    forms |= _json_forms(value)
    forms |= _base64_forms(value.encode("utf-8"))
    if "\n" in stripped:
        forms.add(value.replace("\r\n", "\n").replace("\n", "\r\n"))
        for line in _secret_lines(value):
            forms.add(line)
            forms |= _json_forms(line)
    return {form for form in forms if len(form) >= MIN_SECRET_LENGTH and form.strip()}


def _secret_lines(value: str) -> list[str]:
    """The lines of a multi-line value worth masking on their own (stripped, not PEM armour)."""
    lines = (line.strip() for line in value.strip().splitlines())
    return [
        line for line in lines if len(line) >= MIN_SECRET_LENGTH and not _PEM_ARMOUR.fullmatch(line)
    ]


@dataclass(frozen=True)
class _Compiled:
    """An immutable snapshot of the automaton; swapped atomically when the secret set changes."""

    # None when nothing is registered
    find: Callable[..., list[tuple[int, int, int]]] | None
    patterns: tuple[str, ...]
    # patterns holding a newline before their last character: they can span a line boundary
    multiline: tuple[str, ...]
    max_len: int
    min_len: int
    # a replacement can create a new occurrence only if some pattern contains the token's "*"
    rescan: bool
    # some secret holds a character that quoting escapes: quoted strings are decoded and checked
    decode: bool = False


_EMPTY = _Compiled(find=None, patterns=(), multiline=(), max_len=0, min_len=0, rescan=False)


def _compile(patterns: Sequence[str], *, decode: bool = False) -> _Compiled:
    if not patterns:
        return _EMPTY
    import ahocorasick_rs  # lazy: keeps `import tfctl` fast

    total = sum(len(p) for p in patterns)
    implementation = ahocorasick_rs.Implementation.DFA if total <= _DFA_LIMIT else None
    automaton = ahocorasick_rs.AhoCorasick(list(patterns), implementation=implementation)
    multiline = tuple(p for p in patterns if "\n" in p[:-1])
    return _Compiled(
        find=automaton.find_matches_as_indexes,
        patterns=tuple(patterns),
        multiline=multiline,
        max_len=max(len(p) for p in patterns),
        min_len=min(len(p) for p in patterns),
        rescan=any("*" in p for p in patterns),
        decode=decode,
    )


def _merged_spans(matches: Iterable[tuple[int, int, int]]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for start, end in sorted((m[1], m[2]) for m in matches):
        if spans and start < spans[-1][1]:
            if end > spans[-1][1]:
                spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans


def _replace(compiled: _Compiled, text: str) -> str:
    """Replace every (overlapping) occurrence; repeat until none is left.

    Repeating matters only for secrets that contain `*`; it terminates because every
    replacement shrinks the text (patterns are >= 4 chars, the token is 3).
    """
    find = compiled.find
    assert find is not None
    while True:
        spans = _merged_spans(find(text, True))
        if not spans:
            return text
        parts: list[str] = []
        position = 0
        for start, end in spans:
            parts.append(text[position:start])
            parts.append(MASK)
            position = end
        parts.append(text[position:])
        text = "".join(parts)
        if not compiled.rescan:
            return text


# A double-quoted string on one line, with backslash escapes (JSON, Go's %q, HCL).
_QUOTED = re.compile(r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"')
_GO_ESCAPE = re.compile(
    r"\\(?:x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|([0-7]{3})|(.))"
)
_GO_SIMPLE: Final = dict(zip("abfnrtv\\\"'/", "\a\b\f\n\r\t\v\\\"'/", strict=True))


def _needs_decoding(value: str) -> bool:
    """True when some quoting layer changes `value` (so only decoding can reveal it)."""
    return any(char in '"\\<>&' or not (char.isascii() and char.isprintable()) for char in value)


def _go_unescape(match: re.Match[str]) -> str:
    hex_digits = match.group(1) or match.group(2) or match.group(3)
    if hex_digits:
        return chr(int(hex_digits, 16))
    if match.group(4):
        return chr(int(match.group(4), 8))
    simple = _GO_SIMPLE.get(match.group(5))
    if simple is None:
        raise ValueError("unknown escape")
    return simple


def _unquote(token: str) -> str | None:
    """The text of a quoted string in JSON's or Go's syntax; None when it is neither."""
    try:
        value = json.loads(token, strict=False)
    except ValueError:
        pass
    else:
        return value if isinstance(value, str) else None
    try:
        return _GO_ESCAPE.sub(_go_unescape, token[1:-1])
    except (ValueError, OverflowError):
        return None


def _mask_layers(compiled: _Compiled, text: str, depth: int = DECODE_DEPTH) -> str:
    """Mask `text`, then decode each quoted string in it and mask what decoding reveals.

    A value quoted once by terraform (`%q`) and again by its -json stream is masked whatever mix
    of escapes the two layers produced; a quoted string that hid a secret is written again,
    JSON-quoted, around its masked text, so a JSON line stays valid JSON.
    """
    find = compiled.find
    assert find is not None
    if find(text):
        text = _replace(compiled, text)
    if not compiled.decode or depth <= 0 or "\\" not in text:
        return text

    def decode(match: re.Match[str]) -> str:
        token = match.group(0)
        if "\\" not in token:
            return token  # nothing escaped: the first pass saw this text as it is
        inner = _unquote(token)
        if inner is None:
            return token
        masked = _mask_layers(compiled, inner, depth - 1)
        return token if masked == inner else json.dumps(masked, ensure_ascii=False)

    decoded = _QUOTED.sub(decode, text)
    if decoded != text and find(decoded):
        # re-quoting can in principle spell a secret whose value is itself an escape sequence
        decoded = _replace(compiled, decoded)
    return decoded


def _can_write_add_mask(fd: int) -> bool:
    """Workflow commands reach the runner through a pipe; never write a secret into a plain file."""
    try:
        mode = os.fstat(fd).st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode)


def _escape_command_data(value: str) -> str:
    # the runner unescapes %25, %0D, %0A in command data (actions/toolkit escapeData)
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


class Masker:
    """The secrets of one run, and the one place text is masked.

    Callers own their Masker (there is no global one). `register` secrets as soon as they are
    known; every `mask`, `stream`, `logging_filter` and `mask_json` sees secrets registered later.
    Thread-safe: registration may race with masking from reader threads.

    Under GitHub Actions (`GITHUB_ACTIONS=true`), `register` also writes `::add-mask::<value>` once
    per value, synchronously, to file descriptor `add_mask_fd` (stderr by default: the runner reads
    workflow commands on stdout and stderr alike, and stdout carries `--json` documents). It is
    written with os.write, below Python's sys.stderr and logging, so no capture or log file sees
    it, and never when that descriptor is a regular file (a redirect would put the secret on disk).
    """

    def __init__(self, *, github_actions: bool | None = None, add_mask_fd: int = 2) -> None:
        if github_actions is None:
            github_actions = os.environ.get("GITHUB_ACTIONS") == "true"
        self._github_actions = github_actions
        self._add_mask_fd = add_mask_fd
        self._lock = threading.Lock()
        self._values: dict[str, str | None] = {}
        self._patterns: set[str] = set()
        self._decode = False
        self._compiled: _Compiled | None = _EMPTY

    def __repr__(self) -> str:
        return f"<Masker: {len(self._values)} secrets>"

    def __len__(self) -> int:
        return len(self._values)

    def __contains__(self, value: object) -> bool:
        return value in self._values

    @property
    def secret_count(self) -> int:
        """How many distinct values are registered (never the values)."""
        return len(self._values)

    def register(self, value: str | Secret, *, name: str | None = None) -> bool:
        """Mask `value` (and its transit forms) from now on. Returns False if it was refused.

        Values shorter than 4 characters or blank are refused with a warning naming `name`;
        an empty value is ignored silently (there is nothing to leak).
        """
        if isinstance(value, Secret):
            value = value.reveal()
        label = name or "an unnamed secret"
        if not value:
            return False
        if len(value) < MIN_SECRET_LENGTH or not value.strip():
            log.warning(
                "not masking %s: values shorter than %d characters or blank would mask "
                "ordinary text; use a longer secret",
                label,
                MIN_SECRET_LENGTH,
            )
            return False
        with self._lock:
            if value in self._values:
                return True
            self._values[value] = name
            if self._github_actions:
                self._add_mask(value)
            new = transit_forms(value) - self._patterns
            if not self._decode and _needs_decoding(value):
                self._decode = True
                self._compiled = None
            if new:
                self._patterns |= new
                self._compiled = None
        log.debug("registered %s for masking", label)
        return True

    def register_tree(self, value: object, *, name: str | None = None, quiet: bool = False) -> int:
        """Register each leaf string of nested dicts/lists (sensitive outputs); return the count.

        Secrets inside a leaf are registered on their own too, so they stay masked when they
        appear apart from it: the password of a URL (`rediss://default:PASSWORD@host`), values
        of secret-looking query parameters, and the members of a JSON document held in a string.
        `quiet` skips values too short to mask without the warning (values tfctl found itself).
        """
        count = 0
        for leaf in _string_leaves(value):
            if quiet and (len(leaf) < MIN_SECRET_LENGTH or not leaf.strip()):
                continue
            count += self.register(leaf, name=name)
            for part in _embedded_secrets(leaf):
                # parts too short to mask are skipped quietly: the whole value is masked already
                if len(part) >= MIN_SECRET_LENGTH and part.strip():
                    count += self.register(part, name=name)
        return count

    def _add_mask(self, value: str) -> None:
        fd = self._add_mask_fd
        if not _can_write_add_mask(fd):
            log.warning("GitHub Actions masking skipped: fd %d is a regular file", fd)
            return
        lines = [value]
        if "\n" in value.strip():
            # the runner masks line by line: each line of a multi-line value needs its own mask
            lines += _secret_lines(value)
        payload = "".join(
            f"::add-mask::{_escape_command_data(line)}\n"
            for line in dict.fromkeys(lines)
            if len(line) >= MIN_SECRET_LENGTH
        )
        # anything Python buffered must not interleave with the command line
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError, AttributeError):
                stream.flush()
        data = payload.encode("utf-8")
        while data:
            written = os.write(fd, data)
            data = data[written:]

    def _current(self) -> _Compiled:
        compiled = self._compiled
        if compiled is None:
            with self._lock:
                compiled = self._compiled
                if compiled is None:
                    # longest first keeps the automaton's output stable across runs
                    ordered = sorted(self._patterns, key=lambda p: (-len(p), p))
                    compiled = self._compiled = _compile(ordered, decode=self._decode)
        return compiled

    def mask(self, text: str) -> str:
        """`text` with every registered secret and transit form replaced by `***`."""
        compiled = self._compiled or self._current()
        find = compiled.find
        # fast path: one automaton scan that finds nothing, and no escape that could hide one
        if find is None or len(text) < compiled.min_len:
            return text
        if compiled.decode and "\\" in text:
            return _mask_layers(compiled, text)
        return _replace(compiled, text) if find(text) else text

    def stream(self) -> StreamMasker:
        """A masker for one output stream (terraform's stdout or stderr), fed chunk by chunk."""
        return StreamMasker(self)

    def mask_json(self, obj: Any) -> Any:
        """A copy of a JSON-like value with every string (keys included) masked."""
        if isinstance(obj, str):
            return self.mask(obj)
        if isinstance(obj, dict):
            return {self.mask_json(key): self.mask_json(item) for key, item in obj.items()}
        if isinstance(obj, list | tuple):
            return [self.mask_json(item) for item in obj]
        return obj

    def logging_filter(self) -> logging.Filter:
        """A filter that masks a record's message, args, exception and stack text.

        Attach it to every handler (a filter on a logger does not see records propagated from
        its children).
        """
        return _MaskingFilter(self)


_SECRET_PARAMETER = re.compile(r"pass|pwd|token|secret|key|sig|auth|credential", re.IGNORECASE)


def _embedded_secrets(value: str, depth: int = 3) -> list[str]:
    """Secrets held inside a value: a URL's password, secret query parameters, JSON members."""
    found: list[str] = []
    text = value.strip()
    if depth <= 0 or len(text) < MIN_SECRET_LENGTH:
        return found
    if text[0] in "{[":
        try:
            document = json.loads(text)
        except ValueError:
            document = None
        for leaf in _string_leaves(document):
            found.append(leaf)
            found += _embedded_secrets(leaf, depth - 1)
    if "://" in text and "\n" not in text:
        try:
            parts = urllib.parse.urlsplit(text)
            password = parts.password
        except ValueError:
            return found
        if password:
            found += [password, urllib.parse.unquote(password)]
        for key, item in urllib.parse.parse_qsl(parts.query):
            if _SECRET_PARAMETER.search(key):
                found.append(item)
    return found


def _string_leaves(value: object) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Secret):
        yield value.reveal()
    elif isinstance(value, dict):
        for item in value.values():
            yield from _string_leaves(item)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from _string_leaves(item)


class _MaskingFilter(logging.Filter):
    def __init__(self, masker: Masker) -> None:
        super().__init__()
        self._masker = masker

    def filter(self, record: logging.LogRecord) -> bool:
        mask = self._masker.mask
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not bypass masking
            message = f"{record.msg!s} {record.args!r}"
        record.msg = mask(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        if record.stack_info:
            record.stack_info = mask(record.stack_info)
        return True


class StreamMasker:
    """Masks one stream incrementally: `feed` chunks as they arrive, `flush` at the end.

    `feed` returns only complete lines, each as soon as it is complete, except when it may be the
    start of a multi-line secret (then it is held until the secret is complete or ruled out).
    A partial line is held until its newline, `flush()`, or MAX_HOLD characters. No secret is
    ever split across two returned pieces, whatever the chunk boundaries.
    """

    __slots__ = ("_buffer", "_masker")

    def __init__(self, masker: Masker) -> None:
        self._masker = masker
        self._buffer = ""

    def feed(self, chunk: str) -> str:
        """Add `chunk`; return the masked text that is now safe to emit (maybe empty)."""
        masker = self._masker
        compiled = masker._compiled or masker._current()
        if self._buffer:
            chunk = self._buffer + chunk
        # fast path: a whole line fed by a line-oriented caller, nothing held back
        elif chunk[-1:] == "\n" and not compiled.multiline:
            find = compiled.find
            if find is None or len(chunk) < compiled.min_len:
                return chunk
            if compiled.decode and "\\" in chunk:
                return _mask_layers(compiled, chunk)
            return _replace(compiled, chunk) if find(chunk) else chunk
        return self._feed_slow(chunk, compiled)

    def flush(self) -> str:
        """Return the masked rest of the stream (call once at end of stream)."""
        text, self._buffer = self._buffer, ""
        return self._masker.mask(text) if text else ""

    def _feed_slow(self, text: str, compiled: _Compiled) -> str:
        cut = text.rfind("\n") + 1
        if compiled.multiline and cut:
            cut = _line_cut(text, cut, compiled)
        if len(text) - cut > MAX_HOLD and compiled.find is not None:
            cut = max(cut, _any_cut(text, compiled))
        elif len(text) - cut > MAX_HOLD:
            cut = len(text)
        emitted, self._buffer = text[:cut], text[cut:]
        if not emitted or compiled.find is None:
            return emitted
        if compiled.decode and "\\" in emitted:
            return _mask_layers(compiled, emitted)
        return _replace(compiled, emitted)


def _line_start(text: str, position: int) -> int:
    return text.rfind("\n", 0, position) + 1


def _line_cut(text: str, cut: int, compiled: _Compiled) -> int:
    """Move a line-boundary cut back so that no multi-line secret straddles it."""
    assert compiled.find is not None
    length = len(text)
    problem = cut
    # a multi-line secret that began before the cut and may continue past the end of the text
    for pattern in compiled.multiline:
        first = pattern[0]
        position = text.find(first, max(0, length - len(pattern) + 1), cut)
        while position != -1 and position < problem:
            tail = text[position:]
            if len(tail) < len(pattern) and pattern.startswith(tail):
                problem = position
                break
            position = text.find(first, position + 1, min(cut, problem))
    spans = [(m[1], m[2]) for m in compiled.find(text, overlapping=True)]
    cut = _line_start(text, problem) if problem < cut else cut
    # a complete secret straddling the cut moves it back to the line where that secret starts
    moved = True
    while moved:
        moved = False
        for start, end in spans:
            if start < cut < end:
                cut = _line_start(text, start)
                moved = True
    return cut


def _any_cut(text: str, compiled: _Compiled) -> int:
    """A cut anywhere (not only at a line boundary) for an over-long partial line."""
    assert compiled.find is not None
    cut = max(0, len(text) - compiled.max_len + 1)
    spans = [(m[1], m[2]) for m in compiled.find(text, overlapping=True)]
    moved = True
    while moved:
        moved = False
        for start, end in spans:
            if start < cut < end:
                cut = start
                moved = True
    return cut
