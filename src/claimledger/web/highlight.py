"""The article text as HTML with every span of a report marked, for the web UI's article page.

Works on report dicts (what the ledger returns). Overlapping spans are cut into segments; each segment is
one element carrying the classes of every layer covering it, so nesting never breaks. All article text
and every attribute value go through `escape`: nothing from a report can become markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

LAYERS = ("source", "cue", "content", "quantity", "date", "finding")
SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


@dataclass
class Mark:
    start: int
    end: int
    layer: str
    tip: str
    ref: str | None = None          # attribution id (source/cue/content) or finding id
    severity: str | None = None


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    return f"{value:,}" if isinstance(value, (int, float)) else str(value)


def source_label(source: dict[str, Any] | None) -> str:
    """Who, as a reader wants it: the resolved name, else the phrase in the text."""
    if not source:
        return "(no source)"
    label = source.get("name") or source.get("text") or "(no source)"
    return f"{label} (as in {source['same_as']})" if source.get("same_as") and not source.get("name") else label


def quantity_label(q: dict[str, Any]) -> str:
    bound = q.get("bound") or "exact"
    head = "" if bound == "exact" else bound.replace("_", " ") + " "
    value = "?" if q.get("value") is None else _number(q["value"])
    return f"{head}{value}{' ' + q['unit'] if q.get('unit') else ''}"


def marks(report: dict[str, Any]) -> list[Mark]:
    out: list[Mark] = []
    for a in report.get("attributions") or []:
        src = a.get("source")
        cue = a.get("cue") or {}
        who = f"{source_label(src)} ({src.get('kind') or 'unknown'})" if src else "(no source)"
        content = a.get("content") or {}
        for piece in content.get("fragments") or [content]:
            within = f" (reported in {a['within']})" if a.get("within") else ""
            out.append(Mark(piece["start"], piece["end"], "content",
                            f"{a['id']} {a.get('polarity', '')} — source: {who}; cue: {cue.get('text', '')}{within}",
                            a["id"]))
        if cue:
            out.append(Mark(cue["start"], cue["end"], "cue", f"{a['id']} cue: {cue.get('lemma') or cue.get('text')}",
                            a["id"]))
        if src:
            out.append(Mark(src["start"], src["end"], "source", f"{a['id']} source: {who}", a["id"]))
        relayed = a.get("original_source")
        if relayed:
            out.append(Mark(relayed["start"], relayed["end"], "source",
                            f"{a['id']} original source, quoted by {source_label(src)}: {source_label(relayed)}", a["id"]))
    for q in report.get("quantities") or []:
        out.append(Mark(q["start"], q["end"], "quantity", f"quantity: {quantity_label(q)}", q.get("id")))
    for d in report.get("dates") or []:
        out.append(Mark(d["start"], d["end"], "date", f"date: {d.get('resolved') or 'unresolved'}"))
    for f in report.get("findings") or []:
        tip = f"{f.get('severity')}: {f.get('message')}"
        if f.get("suggestion"):
            tip += f" — suggestion: {f['suggestion']}"
        for ev in f.get("evidence") or []:
            out.append(Mark(ev["start"], ev["end"], "finding", tip, f.get("id"), f.get("severity") or "info"))
    n = len(report.get("text") or "")
    return [m for m in out if 0 <= m.start < m.end <= n]


def _attr(value: str) -> str:
    return str(escape(value))


def highlight(report: dict[str, Any], focus: set[str] | None = None) -> Markup:
    """The text as HTML. A content links to its side-panel entry (source and cue, without JavaScript);
    `focus` names attributions/findings to emphasise (the evidence a claim links to)."""
    text = report.get("text") or ""
    spans = sorted(marks(report), key=lambda m: (m.start, m.end))
    focus = focus or set()
    cuts = sorted({0, len(text), *(m.start for m in spans), *(m.end for m in spans)})
    # Findings get a marker after the end of their last evidence span.
    finding_end: dict[int, list[Mark]] = {}
    last: dict[str, Mark] = {}
    for m in spans:
        if m.layer == "finding" and m.ref and (m.ref not in last or m.end >= last[m.ref].end):
            last[m.ref] = m
    for m in last.values():
        finding_end.setdefault(m.end, []).append(m)

    parts: list[str] = []
    active: list[Mark] = []
    nxt = 0
    anchored: set[str] = set()
    for a, b in zip(cuts, cuts[1:]):
        for m in finding_end.get(a, ()):
            parts.append(f'<a class="fmark sev-{_attr(m.severity or "info")}" href="#find-{_attr(m.ref or "")}" '
                         f'title="{_attr(m.tip)}">{_attr((m.severity or "info")[:1].upper())}</a>')
        active = [m for m in active if m.end > a]
        while nxt < len(spans) and spans[nxt].start <= a:
            if spans[nxt].end > a:
                active.append(spans[nxt])
            nxt += 1
        chunk = str(escape(text[a:b]))
        covering = [m for m in active if m.start <= a and b <= m.end]
        if not covering:
            parts.append(chunk)
            continue
        parts.append(_segment(chunk, covering, focus, anchored))
    for m in finding_end.get(len(text), ()):
        parts.append(f'<a class="fmark sev-{_attr(m.severity or "info")}" href="#find-{_attr(m.ref or "")}" '
                     f'title="{_attr(m.tip)}">{_attr((m.severity or "info")[:1].upper())}</a>')
    return Markup("".join(parts))


def _segment(chunk: str, covering: list[Mark], focus: set[str], anchored: set[str]) -> str:
    layers = sorted({m.layer for m in covering}, key=LAYERS.index)
    classes = ["hl", *(f"l-{layer}" for layer in layers)]
    severities = sorted({m.severity for m in covering if m.severity}, key=lambda s: SEVERITY_RANK.get(s, 9))
    if severities:
        classes.append(f"sev-{severities[0]}")
    refs = list(dict.fromkeys(m.ref for m in covering if m.ref and m.layer in ("source", "cue", "content")))
    findings = list(dict.fromkeys(m.ref for m in covering if m.ref and m.layer == "finding"))
    if focus & {*refs, *findings}:
        classes.append("focus")
    tip = " | ".join(dict.fromkeys(m.tip for m in covering))
    attrs = [f'class="{_attr(" ".join(classes))}"', f'title="{_attr(tip)}"']
    if refs:
        attrs.append(f'data-att="{_attr(" ".join(refs))}"')
    # The first segment of each content (and of each finding's evidence) is the anchor links point to;
    # a segment that starts several of them carries one id and empty anchors before it hold the others.
    extra: list[str] = []
    for ref, prefix in [*((r, "t-") for r in refs if any(m.layer == "content" and m.ref == r for m in covering)),
                        *((f, "tf-") for f in findings)]:
        key = prefix + ref
        if key in anchored:
            continue
        anchored.add(key)
        if not any(a.startswith("id=") for a in attrs):
            attrs.append(f'id="{_attr(key)}"')
        else:
            extra.append(f'<span id="{_attr(key)}"></span>')
    lead = "".join(extra)
    content = next((m for m in covering if m.layer == "content"), None)
    if content is not None:
        return f'{lead}<a href="#att-{_attr(content.ref or "")}" {" ".join(attrs)}>{chunk}</a>'
    finding = next((m for m in covering if m.layer == "finding"), None)
    if finding is not None:
        return f'{lead}<a href="#find-{_attr(finding.ref or "")}" {" ".join(attrs)}>{chunk}</a>'
    return f'{lead}<span {" ".join(attrs)}>{chunk}</span>'
