"""Quotation marks: pair them by type, tell UK single quotes from apostrophes, survive unbalanced marks.

``find_quote_spans(text)`` returns the inner spans of quotations in one paragraph, marks excluded.
Rules:

* ``“…”`` pair with each other, straight ``"`` toggles, ``‘…’`` and straight ``'`` only count as
  quotation marks where they open before a word (after a space, bracket, dash or the paragraph
  start) and close after one (before a space, punctuation or the paragraph end): ``don’t``,
  ``workers’`` followed by a lowercase noun, ``’90s`` are apostrophes.
* Single quotes inside a double-quoted span are quotes within the quote and are not returned.
* An opening mark that is never closed runs to the paragraph end (news style for a quotation that
  continues over several paragraphs) or to the next opening mark of the same type; a stray closing
  mark at the end of a paragraph that opened none closes a quotation that began in an earlier
  paragraph, so the span starts at the paragraph start. An unpaired single mark is ignored,
  unless it opens the paragraph, a sentence or follows a colon (a quotation continuing to the
  next one).
"""

from __future__ import annotations

from dataclasses import dataclass

OPEN_DOUBLE = "“„«"
CLOSE_DOUBLE = "”»"
_BEFORE_OPEN = set(" \t\n([{—–-/:;")
_AFTER_CLOSE = set(" \t\n)]}—–-/:;,.!?…")


@dataclass(frozen=True)
class QuoteSpan:
    start: int  # inner start (after the opening mark)
    end: int  # inner end (before the closing mark)
    mark: str  # "double" | "single"
    closed: bool  # False when the span ran to the paragraph end
    opened: bool = True  # False when the span began before the paragraph (stray closing mark)


def _opens(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return (
        before in _BEFORE_OPEN or before in OPEN_DOUBLE or before == '"'
    ) and not after.isspace()


def _closes(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return not before.isspace() and (after in _AFTER_CLOSE or after in CLOSE_DOUBLE or after == '"')


def _double_spans(text: str) -> list[QuoteSpan]:
    spans: list[QuoteSpan] = []
    open_at: int | None = None
    for i, ch in enumerate(text):
        if (
            ch in OPEN_DOUBLE
            or (ch == '"' and open_at is None and _opens(text, i))
            or (ch in CLOSE_DOUBLE and open_at is None and _opens(text, i) and not _closes(text, i))
        ):
            if open_at is not None:  # a new opening before a close: the earlier one was unbalanced
                spans.append(QuoteSpan(open_at + 1, i, "double", False))
            open_at = i
        elif ch in CLOSE_DOUBLE or ch == '"':
            if open_at is not None:
                spans.append(QuoteSpan(open_at + 1, i, "double", True))
                open_at = None
            elif not spans and text[:i].strip() and _closes(text, i):
                # a closing mark with no opening: the quotation began in an earlier paragraph
                if not text[i + 1 :].strip(" .,;:") or text.count("“") == 0:
                    spans.append(QuoteSpan(0, i, "double", True, opened=False))
    if open_at is not None:
        spans.append(QuoteSpan(open_at + 1, len(text), "double", False))
    return spans


def _single_spans(text: str, blocked: list[QuoteSpan]) -> list[QuoteSpan]:
    def inside(i: int) -> bool:
        return any(s.start <= i < s.end for s in blocked)

    spans: list[QuoteSpan] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if (
            ch in "‘'’"
            and not inside(i)
            and _opens(text, i)
            and (ch != "’" or i == 0 or text[i - 1] in '([{—–"“ ')
        ):
            if (
                ch == "’"
                and i > 0
                and text[i - 1] == " "
                and i + 2 < n
                and text[i + 1 : i + 3].isdigit()
            ):
                i += 1  # ’90s
                continue
            close = None
            for j in range(i + 1, min(n, i + 600)):
                cj = text[j]
                if cj == "\n" or (cj in '“”"' and not inside(j)):
                    break
                if cj in "’'" and _closes(text, j):
                    # "workers’ pay": a plural possessive is followed by a lowercase word
                    after = text[j + 1 : j + 3]
                    if (
                        text[j - 1] == "s"
                        and after[:1] == " "
                        and after[1:2].islower()
                        and j - i > 1
                    ):
                        rest = text[j + 1 : i + 600]
                        if any(
                            c in "’'" and _closes(text, j + 1 + k) for k, c in enumerate(rest[:200])
                        ):
                            continue
                    close = j
                    break
            if close is not None and close > i + 1:
                spans.append(QuoteSpan(i + 1, close, "single", True))
                i = close + 1
                continue
            lead = text[:i].rstrip()
            if close is None and (
                i == 0
                or lead.endswith(":")
                or (lead.endswith((".", "?", "!")) and text[i + 1 : i + 2].isupper())
            ):
                # a quotation in single marks continuing to the next paragraph: opening it, after
                # a colon ("He told the House: ‘The review ...") or at a sentence's start
                spans.append(QuoteSpan(i + 1, n, "single", False))
                break
        i += 1
    return spans


def find_quote_spans(text: str) -> list[QuoteSpan]:
    """Inner spans of the quotations in one paragraph, in order, whitespace trimmed."""
    doubles = _double_spans(text)
    singles = _single_spans(text, doubles)
    out = []
    for span in sorted(doubles + singles, key=lambda s: s.start):
        start, end = span.start, span.end
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1] in " \t\n,":
            end -= 1
        if end > start and any(c.isalnum() for c in text[start:end]):
            out.append(QuoteSpan(start, end, span.mark, span.closed, span.opened))
    return out
