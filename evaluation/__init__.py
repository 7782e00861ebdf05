"""Scoring pipeline output against gold annotations (codebook §5) and checking the gold itself."""
