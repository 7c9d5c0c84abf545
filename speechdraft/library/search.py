"""Turning what a secretary types into a search box into terms the block library can match."""

import re

from speechdraft.text.tokenizer import cut_for_search

_WORD = re.compile(r"[\w\u4e00-\u9fff]")
# Function words would match nearly every block and make AND-search useless.
_SKIP = set("的了和与及在是对把被将就也而并或之其")


def search_terms(query: str) -> list[str]:
    query = query.strip()
    if not query:
        return []
    words = [w.strip() for w in cut_for_search(query)]
    terms = [w for w in words if w and _WORD.search(w) and w not in _SKIP]
    # cut_for_search yields both 人大代表 and 人大/代表; the longest forms are enough for AND-matching
    # once their parts are dropped, which also keeps the query count small.
    longest = [t for t in dict.fromkeys(terms) if not any(t != o and t in o for o in terms)]
    return longest or [query]
