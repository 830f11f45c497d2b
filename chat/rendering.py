"""Turn model-written markdown into HTML that is safe to put in a page."""

from __future__ import annotations

import markdown as markdown_lib
import nh3

_ALLOWED_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "h2", "h3", "h4", "blockquote", "code", "q",
}  # fmt: skip


def render_markdown(text: str) -> str:
    """Return sanitized HTML: no scripts, attributes, links or images survive from model output."""
    html = markdown_lib.markdown(text, extensions=[], output_format="html")
    return nh3.clean(html, tags=_ALLOWED_TAGS, attributes={}, url_schemes=set())
