"""The desk page at ``/``: paste or drop articles, pick the date, get each brief beside its highlighted
article (the brief page of ``summariser brief --format html``, shown in a frame), download JSON/Markdown.

One self-contained document: CSS and JS inline, nothing fetched but the server's own API. Its
Content-Security-Policy (an HTTP header) allows exactly two scripts by hash — this page's and the brief
page's — so the brief shown in the frame (which inherits the policy) runs as it does from a file.
"""

from __future__ import annotations

import base64
import hashlib
from functools import cache
from importlib import resources

from markupsafe import Markup, escape

from ..output.html_kit import asset

__all__ = ["page_csp", "render_page"]

_BODY = """\
<header class="app-bar"><span class="eyebrow">summariser</span><h1>Incident brief desk</h1>
<span class="muted small">{engine} · {model}</span></header>
<main class="app">
<form class="compose" id="compose" aria-label="Articles" novalidate>
<div class="drop" id="drop">
<label for="text">Article text</label>
<textarea id="text" name="text" spellcheck="false"
 placeholder="Paste a news report here, or drop one or more .txt / .md / .html files on this box."></textarea>
<p class="hint">Ctrl+Enter briefs the pasted text. Dropped files are briefed one after another.</p>
</div>
<div class="row">
<label for="published">Published</label><input type="date" id="published" name="published">
</div>
<div class="row">
<button type="submit" id="go" class="btn-primary">Get brief</button>
<label class="btn file-pick"><input type="file" id="files" class="visually-hidden" multiple
 accept=".txt,.md,.html,.htm,text/plain,text/html"><span>Open files…</span></label>
</div>
<div id="status" role="status" aria-live="polite"></div>
<h2 class="small muted">Briefs</h2>
<ol class="items" id="items" aria-label="Briefs in this session"></ol>
<div class="row">
<a class="btn" id="dl-json" role="button">Download JSON</a>
<a class="btn" id="dl-md" role="button">Download Markdown</a>
</div>
</form>
<section class="result" aria-label="Brief">
<p class="empty" id="empty">The brief appears here, beside the article with its evidence highlighted.</p>
<iframe id="view" title="Brief beside the highlighted article" hidden></iframe>
</section>
</main>
"""


def _sha256(code: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(code.encode("utf-8")).digest()).decode() + "'"


@cache
def _js() -> str:
    return (resources.files("summariser.serve") / "assets" / "serve.js").read_text(encoding="utf-8")


@cache
def _css() -> str:
    return (resources.files("summariser.serve") / "assets" / "serve.css").read_text(encoding="utf-8")


@cache
def page_csp() -> str:
    """The page's policy. The brief page inlines ``brief.js`` as ``<script nonce=…>\\n{js}\\n</script>``
    (``html_kit.page``); its hash is allowed too, as a frame showing ``srcdoc`` inherits this policy."""
    scripts = " ".join([_sha256("\n" + _js() + "\n"), _sha256("\n" + asset("brief.js") + "\n")])
    return (
        f"default-src 'none'; script-src {scripts}; style-src 'unsafe-inline'; img-src data: blob:; "
        "connect-src 'self'; frame-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


def render_page(engine: str, model: str) -> str:
    body = Markup(_BODY).format(engine=escape(engine), model=escape(model))
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="referrer" content="no-referrer">\n'
        "<title>summariser — brief desk</title>\n"
        f"<style>\n{asset('kit.css')}\n{_css()}\n</style>\n</head>\n<body>\n{body}"
        f"<script>\n{_js()}\n</script>\n</body>\n</html>\n"
    )
