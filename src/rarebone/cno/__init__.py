"""CNO / CRMO: diagnosis by exclusion, treatment ladder, pamidronate calendar, activity and lesion tracking."""

from rarebone.cno.assessment import assess_cno
from rarebone.cno.models import CnoBlock, CriterionItem, CriterionResult, ExclusionStatus, MonogenicFlag
from rarebone.cno.record import CnoRecord, read_cno_record

__all__ = ["CnoBlock", "CnoRecord", "CriterionItem", "CriterionResult", "ExclusionStatus", "MonogenicFlag",
           "assess_cno", "read_cno_record"]
