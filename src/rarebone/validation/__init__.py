"""Real-case evaluation: sensitivity and specificity of the suspicion rules, top-k of the differential."""
