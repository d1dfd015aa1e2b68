"""Consistency findings. (Filled by issue 5; until then it finds nothing rather than faking.)"""

from __future__ import annotations

from .report import Finding, Report


def check(report: Report) -> list[Finding]:
    return []
