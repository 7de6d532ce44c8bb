"""Markdown written by coordinators, rendered safely: CommonMark with raw HTML switched off (so
``<script>`` shows as text), no images (no tracking pixels or remote loads), and links only to
http(s), mailto and this site."""

from __future__ import annotations

from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

SAFE_SCHEMES = ("http://", "https://", "mailto:")


def _safe_link(url: str) -> bool:
    lowered = url.strip().lower()
    if lowered.startswith("//"):
        return False  # protocol-relative: another site under our scheme
    return lowered.startswith(SAFE_SCHEMES) or lowered.startswith(("/", "#"))


def _parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    parser.disable("image")
    parser.enable("table")
    parser.validateLink = _safe_link  # type: ignore[method-assign]
    return parser


_MD = _parser()


def render_markdown(text: str) -> SafeString:
    """HTML for ``text``; everything a reader typed as HTML is escaped by the parser."""
    html = _MD.render(text or "")
    html = html.replace("<a href=", '<a rel="nofollow noopener" href=')
    return mark_safe(html)  # noqa: S308 - html=False escapes raw HTML; links are checked
