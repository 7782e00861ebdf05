"""Alias matching for targets: the words of ``targets.yaml`` that name each proposal.

The stance model's relevance head adds a learned weight times these hits (1 in the quote,
0.5 in its context only) to its similarity score for each target.
"""

from __future__ import annotations

import re

from pipeline.resources import Target


def alias_patterns(target: Target) -> list[re.Pattern]:
    """Word-bounded, case-insensitive patterns for each alias variant ("a / b" gives a and b)."""
    variants: set[str] = set()
    for alias in target.aliases:
        for part in re.split(r"\s*/\s*", alias):
            part = part.strip(" .'\"()")
            if len(part) >= 3:
                variants.add(part.lower())
    patterns = []
    for variant in sorted(variants):
        escaped = re.escape(variant).replace("\\ ", r"\s+").replace("'", "['’]")
        patterns.append(re.compile(rf"(?<![\w£]){escaped}(?!\w)", re.IGNORECASE))
    return patterns
