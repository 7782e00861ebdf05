"""Saved web pages to articles: the main text extracted once with trafilatura.

The extracted text is what every later offset refers to. Paragraphs are separated by newlines
(trafilatura's text output); reader comments that trafilatura finds are appended after a
``Comments`` line so that segmentation gives them the ``comment`` role. Title, date, site name
(-> ``publisher``) and URL are kept where the page has them. (``Article`` has no author field;
the page's author is not kept.)
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

from pipeline.records import Article

COMMENTS_HEADER = "Comments"
MIN_WORDS = 5  # fewer words than this is navigation, not an article


def _decode(raw: bytes | str) -> str:
    if isinstance(raw, str):
        return raw
    head = raw[:4096].decode("ascii", errors="ignore")
    m = re.search(r"charset=[\"']?([A-Za-z0-9_\-]+)", head)
    for encoding in ([m.group(1)] if m else []) + ["utf-8", "cp1252"]:
        try:
            return raw.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return raw.decode("utf-8", errors="replace")


def html_to_article(raw: bytes | str, *, id: str, source: str | None = None) -> Article:
    """Extract the article of a saved web page with trafilatura.

    Raises ``ValueError`` (naming ``source`` or ``id``) when the page is empty or has no
    extractable main text, and ``ImportError`` with the fix when trafilatura cannot be imported.
    """
    where = source or id
    try:
        import trafilatura
    except ImportError as exc:  # e.g. lxml without its html-clean part
        raise ImportError(
            f"{where}: trafilatura cannot be imported ({exc}); install it with "
            "`.venv/bin/pip install -c constraints.txt trafilatura lxml_html_clean`"
        ) from exc
    html = _decode(raw)
    if not html.strip():
        raise ValueError(f"{where}: empty page; remove it or save the page again")
    doc = trafilatura.bare_extraction(
        html,
        with_metadata=True,
        include_comments=True,
        include_tables=True,
        deduplicate=False,
    )
    if doc is None:
        raise ValueError(
            f"{where}: trafilatura found no main text in the page; save the article page itself (not an index page) or give the text as .txt"
        )
    data = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    text = (data.get("text") or "").strip("\n")
    if len(re.findall(r"\w+", text)) < MIN_WORDS:
        raise ValueError(
            f"{where}: trafilatura found no main text in the page (only {text.strip()[:40]!r}); "
            "save the article page itself or give the text as .txt instead"
        )
    comments = (data.get("comments") or "").strip("\n")
    if comments.strip():
        text = f"{text}\n\n{COMMENTS_HEADER}\n\n{comments}"
    url = data.get("url") or None
    publisher = (
        data.get("sitename") or data.get("hostname") or (urlparse(url).hostname if url else None)
    )
    return Article(
        id=id,
        text=text,
        title=_clean(data.get("title")),
        date=_clean(data.get("date")),
        publisher=_clean(publisher),
        url=_clean(url),
        source=source,
    )


def _clean(value: object) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None
