"""rarebone's own picture of a child, independent of the file format it came from."""

from rarebone.patient.model import (
    AllelicState,
    Disease,
    Donor,
    Feature,
    Measurement,
    Patient,
    Procedure,
    RecordedDiagnosis,
    Sex,
    TimePoint,
    Treatment,
    DoseInterval,
    Variant,
)

__all__ = [
    "AllelicState", "Disease", "DoseInterval", "Donor", "Feature", "Measurement", "Patient", "Procedure", "RecordedDiagnosis",
    "Sex", "TimePoint", "Treatment", "Variant",
]
