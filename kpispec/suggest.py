"""'Did you mean …?' suggestions."""

from __future__ import annotations

import difflib

from .syntax.names import normalise

CUTOFF = 0.6


def closest(word: str, candidates, cutoff: float = CUTOFF) -> str | None:
    """The candidate most like `word` by difflib's ratio, or one that differs only in case.

    Compares `word` with every candidate: for small fixed vocabularies (keywords, periods,
    cadences, functions). A plan's own ids go through a `Suggester`. Words are compared as the
    plan reads them, in their NFKC form (syntax/names.py): `ｆｏｒｍｕｌａ` is near `formula`."""
    word = normalise(word)
    candidates = list(dict.fromkeys(candidates))
    matches = difflib.get_close_matches(word, candidates, n=1, cutoff=cutoff)
    if matches:
        return matches[0]
    lowered = {c.lower(): c for c in candidates}
    return lowered.get(word.lower())


class Suggester:
    """Suggestions among a plan's ids, each found in time that does not grow with the plan.

    Up to SMALL names, a word is compared with every one of them, exactly as `closest` does.
    Beyond that, the names are indexed once (SymSpell with edit distance 1 on both sides):
    each name under itself and under every string made by deleting one of its characters. A
    word looks up itself and its own one-character deletions, which meets every name one
    insertion, deletion, substitution or adjacent swap away (and some two away). Only those
    candidates are scored, with difflib's ratio and cutoff, so the best of them is the one
    `closest` would choose among them; a name that differs only in case is found through a
    case-folded map, as in `closest`.

    The work per word is bounded: a bucket holding more than MAX_BUCKET names is skipped (with
    that many equally close names, no one of them is a meaningful suggestion), at most
    MAX_CANDIDATES names are scored, and names longer than MAX_LENGTH are neither indexed nor
    scored, in a plan of any size (a word that long is matched only by a name that differs from
    it only in case).
    """

    SMALL = 64
    MAX_LENGTH = 64
    MAX_BUCKET = 32
    MAX_CANDIDATES = 256

    def __init__(self, names, cutoff: float = CUTOFF):
        self.names = list(dict.fromkeys(names))
        self.cutoff = cutoff
        self._index: dict[str, str | list[str]] | None = None
        self._lowered: dict[str, str] | None = None
        self._memo: dict[str, str | None] = {}

    def closest(self, word: str) -> str | None:
        word = normalise(word)  # the plan's ids are read in NFKC form: so is a word compared with them
        if word not in self._memo:
            if len(word) > self.MAX_LENGTH:
                # difflib on two long names can take seconds (two 100,000-character ids: 15 s)
                self._memo[word] = self._case_folded().get(word.lower())
            elif len(self.names) <= self.SMALL:
                self._memo[word] = closest(word, self.names, self.cutoff)
            else:
                self._memo[word] = self._indexed(word)
        return self._memo[word]

    def _case_folded(self) -> dict[str, str]:
        if self._lowered is None:
            self._lowered = {name.lower(): name for name in self.names}
        return self._lowered

    # ------------------------------------------------------------------ index

    @staticmethod
    def _keys(name: str):
        yield name
        for i in range(len(name)):
            yield name[:i] + name[i + 1 :]

    def _build(self) -> None:
        index: dict[str, str | list[str]] = {}
        for name in self.names:
            if len(name) > self.MAX_LENGTH:
                continue
            for key in set(self._keys(name)):
                bucket = index.get(key)
                if bucket is None:
                    index[key] = name  # most buckets hold one name: kept as the name itself
                elif isinstance(bucket, str):
                    index[key] = [bucket, name]
                elif len(bucket) <= self.MAX_BUCKET:  # one past the limit marks the bucket as skipped
                    bucket.append(name)
        self._index = index

    def _indexed(self, word: str) -> str | None:
        if self._index is None:
            self._build()
        found: dict[str, None] = {}
        for key in dict.fromkeys(self._keys(word)):
            bucket = self._index.get(key)
            if bucket is None:
                continue
            if isinstance(bucket, str):
                found[bucket] = None
            elif len(bucket) <= self.MAX_BUCKET:
                found.update(dict.fromkeys(bucket))
            if len(found) >= self.MAX_CANDIDATES:
                break
        if found:
            matches = difflib.get_close_matches(word, list(found)[: self.MAX_CANDIDATES], n=1, cutoff=self.cutoff)
            if matches:
                return matches[0]
        return self._case_folded().get(word.lower())
