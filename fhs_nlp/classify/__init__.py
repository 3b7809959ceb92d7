"""Stage 6: which insatsområde is a passage about, or none (calibrated classifiers)."""
