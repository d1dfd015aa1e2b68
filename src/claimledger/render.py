"""Human-readable views of a Report: a terminal summary (rich) and a standalone HTML page."""

from __future__ import annotations

import html
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from .report import Report


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _number(value: float | int | None) -> str:
    """3000000000 -> '3,000,000,000'; 0.125 -> '0.125'."""
    if not isinstance(value, (int, float)):
        return "—"
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,.6g}"


def print_text(report: Report, console: Console) -> None:
    """A readable summary for a terminal."""
    a = report.article
    head = Text(a.title or a.id, style="bold")
    details = ", ".join(x for x in (a.outlet, a.published, a.url) if x)
    console.rule(head)
    console.print(f"id {a.id}" + (f" · {details}" if details else "") + f" · {len(report.text.split())} words")
    for warning in report.warnings:
        console.print(f"[yellow]warning:[/yellow] {warning}")

    if report.entities:
        table = Table(title="Entities", show_edge=False, title_justify="left")
        for col in ("name", "type", "mentions"):
            table.add_column(col)
        for e in report.entities:
            table.add_row(e.name, e.type, str(len(e.mentions)))
        console.print(table)

    if report.attributions:
        table = Table(title="Attributions", show_edge=False, title_justify="left")
        for col in ("source", "kind", "cue", "content", "form", "polarity"):
            table.add_column(col, overflow="fold")
        for at in report.attributions:
            src = at.source
            who = "—" if src is None else (f"{src.text} → {src.name}" if src.name and src.name != src.text
                                           else f"{src.text} (as in {src.same_as})" if src.same_as else src.text)
            if at.original_source:
                who += f" (quoting {at.original_source.name or at.original_source.text})"
            if at.within:
                who += f" (reported in {at.within})"
            table.add_row(who, src.kind if src else "", at.cue.text, _short(at.words), at.form,
                          Text(at.polarity, style="red" if at.polarity == "deny" else ""))
        console.print(table)

    for nc in report.no_comment:
        who = nc.source.name or nc.source.text if nc.source else "—"
        console.print(f"[dim]no comment:[/dim] {who} ({nc.cue.text})")

    if report.quantities:
        table = Table(title="Quantities", show_edge=False, title_justify="left")
        for col in ("text", "value", "unit", "bound", "counts"):
            table.add_column(col)
        for q in report.quantities:
            table.add_row(q.text, _number(q.value) if q.range is None else f"{_number(q.range[0])}–{_number(q.range[1])}",
                          q.unit or "", q.bound, q.counts or "")
        console.print(table)

    if report.dates:
        console.print("[bold]Dates[/bold]: " + "; ".join(f"{d.text} = {d.resolved or '?'}" for d in report.dates))

    for f in report.findings:
        style = {"error": "bold red", "warning": "yellow"}.get(f.severity, "cyan")
        line = Text(f"{f.severity}: ", style=style)
        line.append(f"[{f.kind}] {f.message}")
        if f.suggestion:
            line.append(f" (suggestion: {f.suggestion})", style="dim")
        console.print(line)

    if not (report.attributions or report.quantities or report.findings or report.entities):
        console.print("[dim]nothing found[/dim]")


# Colours from the Okabe–Ito palette, which stays distinguishable for colour-blind readers.
LAYERS: dict[str, dict[str, Any]] = {
    "cue": {"label": "cue", "css": "background:#E69F00;color:#000"},
    "source": {"label": "source", "css": "background:#56B4E9;color:#000"},
    "quantity": {"label": "quantity", "css": "background:#009E73;color:#fff"},
    "date": {"label": "date", "css": "background:#F0E442;color:#000"},
    "entity": {"label": "entity", "css": "background:#CC79A7;color:#000"},
    "content": {"label": "content", "css": "background:#E8F1FA;border-bottom:2px solid #0072B2"},
    "finding": {"label": "finding", "css": "text-decoration:underline wavy #D55E00"},
}
# When spans overlap, the first layer in this order decides the colour; all titles are kept.
PRIORITY = ["cue", "source", "quantity", "date", "entity", "content"]


def _spans(report: Report) -> list[tuple[int, int, str, str]]:
    """(start, end, layer, tooltip) for everything to highlight."""
    out: list[tuple[int, int, str, str]] = []
    for e in report.entities:
        for m in e.mentions:
            out.append((m.start, m.end, "entity", f"{e.type}: {e.name}"))
    for at in report.attributions:
        pieces = at.content_parts or [at.content]
        for piece in pieces:
            out.append((piece.start, piece.end, "content", f"{at.id} {at.form} {at.polarity} content"))
        out.append((at.cue.start, at.cue.end, "cue", f"{at.id} cue ({at.cue.lemma or at.cue.text})"))
        if at.source:
            s = at.source
            out.append((s.start, s.end, "source", f"{at.id} source: {s.name or s.text} ({s.kind})"))
        if at.original_source:
            s = at.original_source
            out.append((s.start, s.end, "source", f"{at.id} original source: {s.name or s.text} ({s.kind})"))
    for q in report.quantities:
        out.append((q.start, q.end, "quantity", f"{q.value} {q.unit or ''} ({q.bound})"))
    for d in report.dates:
        out.append((d.start, d.end, "date", f"date: {d.resolved or 'unresolved'}"))
    for f in report.findings:
        for ev in f.evidence:
            out.append((ev.start, ev.end, "finding", f"{f.severity}: {f.message}"))
    return [s for s in out if 0 <= s[0] < s[1] <= len(report.text)]


def _highlight(report: Report) -> str:
    text = report.text
    spans = _spans(report)
    cuts = sorted({0, len(text), *[s for s, _, _, _ in spans], *[e for _, e, _, _ in spans]})
    parts: list[str] = []
    for a, b in zip(cuts, cuts[1:]):
        covering = [sp for sp in spans if sp[0] <= a and b <= sp[1]]
        chunk = html.escape(text[a:b])
        if not covering:
            parts.append(chunk)
            continue
        layers = {layer for _, _, layer, _ in covering}
        classes = " ".join(f"l-{layer}" for layer in sorted(layers))
        tip = html.escape(" | ".join(dict.fromkeys(t for _, _, _, t in covering)), quote=True)
        parts.append(f'<span class="{classes}" title="{tip}">{chunk}</span>')
    return "".join(parts)


def to_html(report: Report) -> str:
    """One standalone page: the text with every span highlighted, a legend and the lists."""
    a = report.article
    title = html.escape(a.title or a.id)
    # Later rules win in CSS, so the highest-priority layer is written last.
    css = "\n".join(f".l-{name} {{{LAYERS[name]['css']}}}" for name in reversed(PRIORITY))
    css += f"\n.l-finding {{{LAYERS['finding']['css']}}}"
    legend = " ".join(f'<span class="l-{name}">{LAYERS[name]["label"]}</span>' for name in [*PRIORITY, "finding"])
    findings = "".join(
        f"<li><b>{html.escape(f.severity)}</b> [{html.escape(f.kind)}] {html.escape(f.message)}"
        + (f" <i>suggestion: {html.escape(f.suggestion)}</i>" if f.suggestion else "") + "</li>"
        for f in report.findings)
    attributions = "".join(
        f"<li><b>{html.escape(at.source.name or at.source.text) if at.source else '—'}</b> "
        + (f"(as in {html.escape(at.source.same_as)}) " if at.source and at.source.same_as else "")
        + (f"(quoting {html.escape(at.original_source.name or at.original_source.text)}) "
           if at.original_source else "") +
        (f"(reported in {html.escape(at.within)}) " if at.within else "") +
        f"<i>{html.escape(at.cue.text)}</i> ({html.escape(at.form)}, {html.escape(at.polarity)}): "
        f"{html.escape(_short(at.words, 300))}</li>"
        for at in report.attributions)
    meta = " · ".join(html.escape(x) for x in (a.outlet, a.published, a.url) if x)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} — claimledger</title>
<style>
body {{font-family: system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem; color: #222}}
.text {{white-space: pre-wrap; line-height: 1.9; font-size: 1.05rem}}
.text span {{border-radius: 3px; padding: 0 1px}}
.legend span {{display: inline-block; padding: 0 .4rem; margin-right: .3rem; border-radius: 3px}}
{css}
</style></head>
<body>
<h1>{title}</h1>
<p class="meta">{meta} · id <code>{html.escape(a.id)}</code></p>
<p class="legend">{legend}</p>
<div class="text">{_highlight(report)}</div>
<h2>Attributions ({len(report.attributions)})</h2><ul>{attributions}</ul>
<h2>Findings ({len(report.findings)})</h2><ul>{findings}</ul>
</body></html>
"""
