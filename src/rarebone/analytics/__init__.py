"""Outcomes analytics: cohort tables, survival (lifelines), competing risks (scikit-survival), figures, cohort filters."""
