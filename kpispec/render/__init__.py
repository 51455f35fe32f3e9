"""Renderers: diagnostics -> text for people, JSON for machines."""

from __future__ import annotations

# The words that head a diagnostic's notes and help, in every format that shows them.
WORDS = {"en": {"note": "note", "help": "help"}, "ja": {"note": "注記", "help": "ヒント"}}


def explained(d, lang: str, related) -> list[str]:
    """A diagnostic in one message, for the formats that carry no more (SARIF, annotations): the
    message, a line for each label (`related(number, label)`, numbered from 1), the notes, the help."""
    words = WORDS[lang]
    lines = [d.message.get(lang)]
    lines.extend(related(number, label) for number, label in enumerate(d.labels, 1))
    lines.extend(f"{words['note']}: {note.get(lang)}" for note in d.notes)
    if d.help:
        lines.append(f"{words['help']}: {d.help.get(lang)}")
    return lines
