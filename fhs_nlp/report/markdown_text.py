r"""Text from documents, made safe to put into a Markdown report.

Markdown passes raw HTML through: a draft that contains ``<script>…</script>`` or
``<img src=x onerror=…>`` would run it in any viewer that renders the report (many
do, a wiki or a code host's preview). And Markdown's own syntax in a draft's text
(``*``, ``_``, ``[…](…)``, a ``|`` in a table cell, a ``#`` at the start of a line)
would change what the report shows. :func:`md_text` makes any text literal:

* ``&``, ``<`` and ``>`` become character references (``&amp;`` ``&lt;`` ``&gt;``), so
  no tag, comment or entity survives: every renderer shows the characters themselves;
* the punctuation that means something anywhere in a line (``\ ` * _ [ ] | ~ $``) is
  escaped with a backslash (CommonMark lets any ASCII punctuation be), so no emphasis,
  link, image, code span, table cell or math starts inside the text; and so is what
  means something at the start of a line (``#``, ``+``, ``-``, ``1.``) when the text
  starts with it, since it often starts a list item;
* line breaks become spaces, so that the text stays inside its list item or table cell.

Å, ä and ö, and all other letters, are left as they are.
"""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"([\\`*_\[\]|~$])")
_LINE_START = re.compile(r"^([#+\-=]|\d+(?=[.)]))")
_REFERENCES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def md_text(text: object) -> str:
    """``text`` as literal Markdown inline text (see the module's docstring)."""
    value = " ".join(str(text).split())
    value = re.sub(r"[&<>]", lambda m: _REFERENCES[m.group()], value)
    value = _SPECIAL.sub(r"\\\1", value)
    match = _LINE_START.match(value)
    if match:
        end = match.end()
        if value[:end].isdigit():  # "2026. …": escape the full stop, not the digits
            return value[:end] + "\\" + value[end:]
        return "\\" + value
    return value
