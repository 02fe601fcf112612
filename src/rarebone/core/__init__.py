"""Value types shared by every room: quantities and units, ages and study days, evidence and citations."""
