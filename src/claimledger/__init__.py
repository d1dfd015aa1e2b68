"""claimledger: who said what, how much, and does it add up."""

__version__ = "0.1.0"

from .pipeline import ArticleInput, InputError, analyze, analyze_many  # noqa: E402
from .report import SCHEMA, Report  # noqa: E402

__all__ = ["ArticleInput", "InputError", "Report", "SCHEMA", "__version__", "analyze", "analyze_many"]
