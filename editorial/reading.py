"""Reading time for articles."""

import math
import re

WORDS_PER_MINUTE = 220  # a common figure for adult silent reading of non-fiction


def reading_minutes(markdown_text):
    words = len(re.findall(r"\w+", markdown_text or ""))
    return max(1, math.ceil(words / WORDS_PER_MINUTE))
