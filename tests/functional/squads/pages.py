"""Reading rendered pages as a person does: the links on them and the counts in a count grid."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlencode


class Links(HTMLParser):
    """Every link of a page: (href, its text with whitespace collapsed)."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str | None, str]] = []
        self._open: list[tuple[str | None, list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._open.append((dict(attrs).get("href"), []))

    def handle_data(self, data: str) -> None:
        for _, text in self._open:
            text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._open:
            href, text = self._open.pop()
            self.links.append((href, " ".join("".join(text).split())))


def links_of(html: str) -> list[tuple[str | None, str]]:
    parser = Links()
    parser.feed(html)
    return parser.links


def counts(html: str, section: str) -> dict[str, tuple[int, str | None]]:
    """The count grid following the heading `section`: label -> (count, link)."""
    heading = html.index(section)
    start = html.index('class="count-grid"', heading)
    assert "<h3" not in html[heading:start], f"no counts under {section!r}"
    grid = html[start : html.index("</div>", start)]
    found = {}
    for href, text in links_of(grid):
        count, label = text.split(" ", 1)
        if int(count) != 1:  # "4 Components": keyed by the kind, as for one
            label = label.removesuffix("s")
        found[label] = (int(count), href)
    return found


def catalog_link(kind: str, *owners: str) -> str:
    return "/catalog?" + urlencode(
        [("kind", kind), *(("owner", o) for o in owners), ("user", "all")]
    )
