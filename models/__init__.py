"""Models: target linking and stance classification."""
