"""Finding the forms on a page and the hostile values to put in each field (the form fuzzer)."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote_plus

#: A payload that must never come back unescaped: its raw form is markup.
MARKER = "x-fuzz-7f3a"
PAYLOAD = f'<script>{MARKER}</script>"\'><img src=x onerror="{MARKER}">'
#: An unpaired UTF-16 surrogate, sent as the bytes a broken client would send.
SURROGATE = "\ud800"
HUGE_INT = "9" * 30
BIG_ID = str(2**63)


@dataclass
class Field:
    name: str
    kind: str  # input type, "textarea" or "select"
    value: str = ""
    options: list[str] = field(default_factory=list)
    multiple: bool = False
    checked: bool = False


@dataclass
class Form:
    action: str
    method: str
    fields: list[Field] = field(default_factory=list)

    def defaults(self) -> list[tuple[str, str]]:
        """What a browser would send untouched."""
        pairs = []
        for f in self.fields:
            if f.kind in ("checkbox", "radio"):
                if f.checked:
                    pairs.append((f.name, f.value or "on"))
            elif f.kind == "select":
                if f.value:
                    pairs.append((f.name, f.value))
                elif f.options and not f.multiple:
                    pairs.append((f.name, f.options[0]))
            elif f.kind not in ("submit", "button", "file", "image", "reset"):
                pairs.append((f.name, f.value))
        return pairs


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._select: Field | None = None
        self._textarea: Field | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(Form(a.get("action", ""), a.get("method", "get").lower()))
            return
        if not self.forms or not a.get("name"):
            if tag == "option" and self._select is not None:
                self._option(a)
            return
        form = self.forms[-1]
        if tag == "input":
            form.fields.append(
                Field(
                    a["name"],
                    a.get("type", "text").lower(),
                    a.get("value", ""),
                    checked="checked" in a,
                )
            )
        elif tag == "textarea":
            self._textarea = Field(a["name"], "textarea")
            form.fields.append(self._textarea)
        elif tag == "select":
            self._select = Field(a["name"], "select", multiple="multiple" in a)
            form.fields.append(self._select)

    def _option(self, a: dict[str, str]) -> None:
        assert self._select is not None
        self._select.options.append(a.get("value", ""))
        if "selected" in a and not self._select.value:
            self._select.value = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data


def forms_in(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    return [f for f in parser.forms if f.method == "post"]


TEXT = [PAYLOAD, "A" * 1_000_000, "\x00\x01\x1b[31m\u202e", SURROGATE, ""]
HOSTILE: dict[str, list[str]] = {
    "number": [HUGE_INT, "-1", "1e400", "NaN", BIG_ID],
    "range": [HUGE_INT, "-1"],
    "date": ["2026-02-30", "99999-12-31", "0001-01-01", "2026-03-29"],
    "time": ["25:61", "02:30", "24:00"],
    "datetime-local": ["9999-12-31T23:59", "2026-03-29T02:30"],
    "email": ["a@" + "b" * 300 + ".example", PAYLOAD],
    "url": ["javascript:alert(1)", "data:text/html,<script>1</script>"],
    "select": [BIG_ID, "-1", "999999", PAYLOAD],
    "checkbox": [HUGE_INT, BIG_ID],
    "radio": [PAYLOAD, BIG_ID],
    "hidden": [BIG_ID, "-1", PAYLOAD],
}


def hostile_values(f: Field) -> list[str]:
    return HOSTILE.get(f.kind, TEXT)


def encode(pairs: list[tuple[str, str]]) -> bytes:
    """``application/x-www-form-urlencoded``, letting unpaired surrogates through as the raw
    bytes a broken client sends (Django's test client would refuse to encode them)."""
    return "&".join(
        f"{quote_plus(k)}={quote_plus(v.encode('utf-8', 'surrogatepass'))}" for k, v in pairs
    ).encode()
