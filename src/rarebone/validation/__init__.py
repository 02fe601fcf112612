"""Real-case evaluation. The clinical validation job (issue 9): assess a folder of real cases against an answer key and report
sensitivity, specificity (Wilson 95% intervals), level distributions, HSCT agreement, every miss and false alarm; the differential's top-k evaluation is in ``differential_eval``."""

from rarebone.validation.job import run_validation
from rarebone.validation.keys import KeyRow, read_keys
from rarebone.validation.models import ValidationReport

__all__ = ["KeyRow", "ValidationReport", "read_keys", "run_validation"]
