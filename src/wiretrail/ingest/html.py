"""HTML pages to text through trafilatura, with the page's own metadata.

    1. decode: BOM, UTF-8, the transport's charset, the page's <meta charset>, detection
    2. parse: stray </body></html> removed first (libxml2 drops everything after them; browsers
       ignore them), libxml2's own limits (nesting depth 256, 10 MB text nodes) bound hostile markup
    3. normalise: archive toolbars dropped, layout tables unwrapped, loose text put in paragraphs,
       whitespace collapsed as a browser renders it
    4. trafilatura's main-text extraction (precision favoured) and metadata
    5. fallback: the text of <body> without scripts and styles, one line per block
    6. nothing left: `EmptyInput` ("no text in HTML")

Stages 3 and 4 were chosen on evals/html_extraction.py (shingle F1 against human gold); re-run it
after changing them.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime

import lxml.html
import trafilatura
from lxml import etree
from trafilatura.settings import Document as Extracted
from trafilatura.settings import set_date_params
from trafilatura.utils import load_html

from ..errors import EmptyInput
from ..ids import content_hash
from ..model import DateOrigin, DatePrecision, RawDocument, Timestamp
from ..thresholds import thresholds
from .decode import decode_bytes
from .text import require_text

log = logging.getLogger(__name__)

HTML_MEDIA_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# The WHATWG prescan reads 1,024 bytes; archived captures put tens of KB of injected markup before
# the page's own <meta>, so look further.
META_CHARSET_SCAN_BYTES = 64 * 1024
EXTRACTION_OPTIONS = {  # chosen on evals/html_extraction.py --variants
    "favor_precision": True,  # after stages 2-3: F1 0.966, balanced 0.960, favor_recall 0.942
    "include_comments": False,  # reader comments are not the article
    "include_tables": True,  # data tables are content (layout ones were unwrapped); off: 0.966 too
    "deduplicate": False,  # trafilatura's cache is process-wide: results would depend on order
}

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_STRAY_END_TAGS = re.compile(r"</(?:body|html)\s*>", re.IGNORECASE)
_WHITESPACE = re.compile(r"\s+")
# Characters libxml2 cannot hold (C0 controls but tab and newlines, lone surrogates, U+FFFE/U+FFFF):
# lxml parses them into a fragment's text and then refuses to set that text again (ValueError).
# They render as nothing, so they are dropped. Found by fuzz/fuzz_feeds.py.
_NOT_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SPACES = re.compile(r"[ \t\u00a0]+")
# The Internet Archive's Wayback Machine toolbar and banners, injected into every capture.
_ARCHIVE_TOOLBARS = etree.XPath(
    '//*[@id="wm-ipp-base" or @id="wm-ipp" or @id="wm-ipp-print" or @id="donato"]'
)
_TABLE_PARTS = ("tbody", "thead", "tfoot", "tr", "td", "th")
_TABLE_LAYOUT_SIGNS = etree.XPath(".//table|.//p|.//div|.//h1|.//h2|.//h3|.//ul|.//ol|.//blockquote")
_INLINE = frozenset(
    "a abbr b bdi bdo big br cite code data dfn em font i img kbd label mark nobr q s samp small "
    "span strike strong sub sup time tt u var wbr".split()
)
# Elements whose loose text is wrapped; font and span count when they hold blocks.
_CONTAINERS = tuple(
    "div td th body section article main center blockquote li dd form font span".split()
)
_FORMATTING = ("b", "i", "em", "strong", "u", "small", "big", "font", "span", "tt", "s", "strike")
_PREFORMATTED = frozenset({"pre", "textarea", "script", "style"})
_NOT_TEXT = ("script", "style", "noscript", "template", "head", "title")
_BLOCKS = frozenset(
    "address article aside blockquote body center dd details dialog div dl dt fieldset figcaption figure "
    "footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table tbody td tfoot th thead "
    "tr ul".split()
)


def read_html(
    data: bytes | str, *, source: str, url: str | None = None, charset: str | None = None
) -> RawDocument:
    """The main text and metadata of one HTML page.

    `charset` is what the transport declared (an HTTP Content-Type); `url` where the page was
    published, when the caller knows it better than the page's own canonical link. Raises
    `EmptyInput` ("no text in HTML") or `BinaryInput`.
    """
    # 1. decode
    if isinstance(data, bytes):
        decoded = decode_bytes(data, source=source, declared=charset or _meta_charset(data))
        markup, encoding, cut = decoded.text, decoded.encoding, decoded.ends_mid_character
    else:
        markup, encoding, cut = data, None, False
    require_text(markup, source=source)
    # 2. parse
    tree = _parse(markup, source=source)
    if tree is None:
        raise EmptyInput(source, "no text in HTML")
    # 3. normalise
    _normalise(tree)
    # 4. trafilatura
    extracted = _extract(tree, url=url, source=source)
    text = _tidy(extracted.text) if extracted is not None and extracted.text else ""
    # 5. fallback
    if not text.strip():
        log.debug("%s: trafilatura found no main text; using the plain text of <body>", source)
        body = tree.find("body")
        text = plain_text(body if body is not None else tree)
    # 6. nothing left
    require_text(text, source=source, what="no text in HTML")
    found = extracted if extracted is not None else Extracted()
    return RawDocument(
        source=source,
        text=text,
        media_type="text/html",
        url=url or found.url or None,
        title=found.title or None,
        published=_timestamp(found.date),
        authors=_authors(found.author),
        outlet=found.sitename or None,
        content_sha=content_hash(data),
        byte_length=len(data) if isinstance(data, bytes) else None,
        encoding=encoding,
        ends_mid_character=cut,
    )


def html_fragment_to_text(markup: str) -> str:
    """The text of an HTML fragment (a feed entry's content), one line per block.

    No boilerplate removal: a fragment is already the article, so extraction could only lose text.
    """
    markup = _NOT_XML_CHARS.sub("", markup)
    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except AssertionError:  # lxml asserts one <body>: the fragment holds <html>/<head> tags (fuzz/fuzz_html.py)
        try:
            root = lxml.html.document_fromstring(markup)
        except (etree.ParserError, ValueError):
            return ""
    except (etree.ParserError, ValueError):
        return ""
    return plain_text(root)


def plain_text(root: lxml.html.HtmlElement) -> str:
    """Text without scripts and styles, a line per block element, whitespace collapsed.

    Changes `root` (scripts dropped, newlines added): pass a tree that is not needed afterwards.
    """
    for element in list(root.iter(*_NOT_TEXT)):
        if element is not root:
            element.drop_tree()
    for element in root.iter():
        if element.tag in _BLOCKS:
            element.text = "\n" + (element.text or "")
            element.tail = "\n" + (element.tail or "")
        elif element.tag == "br":
            element.tail = "\n" + (element.tail or "")
    lines = (_WHITESPACE.sub(" ", line).strip() for line in root.text_content().split("\n"))
    return "\n".join(line for line in lines if line)


def _tidy(text: str) -> str:
    """One space between words and no blank lines: stage 3 turned newlines in the markup into spaces."""
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _meta_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data, 0, META_CHARSET_SCAN_BYTES)
    return match.group(1).decode("ascii") if match else None


def _parse(markup: str, *, source: str) -> lxml.html.HtmlElement | None:
    try:
        return load_html(_STRAY_END_TAGS.sub("", markup))
    except (etree.LxmlError, ValueError) as err:
        log.debug("%s: unparsable HTML: %s", source, err)
        return None


def _normalise(tree: lxml.html.HtmlElement) -> None:
    for toolbar in _ARCHIVE_TOOLBARS(tree):
        toolbar.drop_tree()
    _unwrap_layout_tables(tree)
    _collapse_whitespace(tree)
    _drop_empty_formatting(tree)
    _wrap_loose_text(tree)


def _unwrap_layout_tables(tree: lxml.html.HtmlElement) -> None:
    """Tables holding paragraphs, nested tables or long text are layout: make them divs.

    Old news sites lay out whole pages in tables; trafilatura then flattens each cell into one
    line and keeps navigation cells beside the story.
    """
    for table in list(tree.iter("table")):
        if table.tag != "table" or not _is_layout_table(table):
            continue
        stack = [table]
        while stack:
            element = stack.pop()
            element.tag = "div"
            stack.extend(child for child in element if child.tag in _TABLE_PARTS)


def _is_layout_table(table: lxml.html.HtmlElement) -> bool:
    if _TABLE_LAYOUT_SIGNS(table):
        return True
    if any(len(cell.text_content()) > thresholds().ingest_layout_cell_chars for cell in table.iter("td", "th")):
        return True
    text = len(_WHITESPACE.sub("", table.text_content()))
    links = sum(len(_WHITESPACE.sub("", a.text_content())) for a in table.iter("a"))
    return text == 0 or links >= thresholds().ingest_navigation_link_share * text


def _collapse_whitespace(tree: lxml.html.HtmlElement) -> None:
    """Runs of whitespace become one space, as a browser renders them (trafilatura keeps newlines)."""
    for element in tree.iter():
        if isinstance(element.tag, str) and element.tag not in _PREFORMATTED and element.text:
            element.text = _WHITESPACE.sub(" ", element.text)
        if element.tail:
            element.tail = _WHITESPACE.sub(" ", element.tail)


def _drop_empty_formatting(tree: lxml.html.HtmlElement) -> None:
    """Empty <b></b> and the like render nothing; trafilatura's precision mode drops their tail text."""
    for element in list(tree.iter(*_FORMATTING)):
        if len(element) == 0 and not (element.text or "").strip() and element.getparent() is not None:
            element.drop_tag()


def _wrap_loose_text(tree: lxml.html.HtmlElement) -> None:
    """Put text that sits between blocks into paragraphs of its own.

    Old pages separate paragraphs with a bare <p> or <br> and leave the text loose in a cell;
    trafilatura skips such text (readability wraps it the same way).
    """
    for container in list(tree.iter(*_CONTAINERS)):
        children = list(container)
        if all(_is_inline(child) for child in children):
            continue
        pieces: list[list] = []  # groups of elements, in order: paragraphs and blocks
        text, inline = container.text, []
        container.text = None
        for child in children:
            container.remove(child)  # keeps the child's tail on the child
            if _is_inline(child):
                inline.append(child)
                continue
            pieces.append(_paragraph(text, inline))
            tail, child.tail = child.tail, None
            pieces.append([child])
            text, inline = tail, []
        pieces.append(_paragraph(text, inline))
        for group in pieces:
            container.extend(group)


def _paragraph(text: str | None, inline: list) -> list:
    """The loose text and inline elements as a <p> if they hold words, else as they were."""
    if (text and text.strip()) or any(_has_words(element) for element in inline):
        paragraph = lxml.html.Element("p")
        paragraph.text = text
        paragraph.extend(inline)
        return [paragraph]
    return inline


def _has_words(element: lxml.html.HtmlElement) -> bool:
    own = element.text_content() if isinstance(element.tag, str) else ""  # a comment has none
    return bool(own.strip() or (element.tail or "").strip())


def _is_inline(element: lxml.html.HtmlElement) -> bool:
    if not isinstance(element.tag, str):  # a comment or processing instruction
        return True
    if element.tag not in _INLINE:
        return False
    return all(not isinstance(d.tag, str) or d.tag in _INLINE for d in element.iterdescendants())


def _extract(tree: lxml.html.HtmlElement, *, url: str | None, source: str):
    # Dates from the markup only (meta tags, <time>, structured data, the URL): htmldate's extensive
    # search guesses from running text, pads a bare year to 1 January at day precision, and its
    # dateparser fallback doubles the time per page. Dates in the text are cleaning's (origin TEXT).
    date_params = set_date_params(extensive=False)
    date_params["outputformat"] = "%Y-%m-%dT%H:%M:%S"
    try:
        return trafilatura.bare_extraction(
            tree, url=url, with_metadata=True, date_extraction_params=date_params, **EXTRACTION_OPTIONS
        )
    except (RecursionError, etree.LxmlError, ValueError) as err:  # hostile markup, not our bug
        log.warning("%s: trafilatura failed (%r); using the plain text", source, err)
        return None


def _timestamp(value: str | None) -> Timestamp | None:
    """trafilatura's date; a midnight time means no time was found (htmldate pads it)."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if (parsed.hour, parsed.minute, parsed.second) == (0, 0, 0):
        return Timestamp(parsed, DatePrecision.DAY, DateOrigin.METADATA)
    return Timestamp(parsed, DatePrecision.MINUTE, DateOrigin.METADATA)


def _authors(value: str | None) -> tuple[str, ...]:
    """trafilatura joins authors with '; '."""
    return tuple(name.strip() for name in (value or "").split(";") if name.strip())
