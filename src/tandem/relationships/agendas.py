"""Agenda templates: what a kickoff, a regular, a mid-point and a closing session cover.

Every agenda starts with the "what's going well / what's not" opener from the seed articles; a
program can replace the rest in ``Program.agenda_templates`` (kind → list of items).
"""

from __future__ import annotations

from tandem.programs.models import Program

OPENER = "Opener: what's going well, and what's not?"

DEFAULTS: dict[str, list[str]] = {
    "kickoff": [
        "Why we joined: the program's goals and what each of us hopes for",
        "Introductions: background, strengths, what each of us can offer the other",
        "How we will work: cadence, format, confidentiality, and wearing both hats",
        "Set one SMART goal each (specific, measurable, achievable, relevant, time-bound)",
        "Questions and concerns; when do we meet next?",
    ],
    "regular": [
        "Progress on our goals since last time",
        "Topics each of us brings (take turns with the mentee hat)",
        "Next steps and the next meeting",
    ],
    "midpoint": [
        "Halfway: what has changed for each of us?",
        "Are our goals still the right ones? Adjust targets or dates",
        "Is the balance right — are we both bringing questions and sharing?",
        "What should we do more of, or differently, in the second half?",
    ],
    "closing": [
        "What did we achieve against our goals?",
        "What did each of us learn — in both hats?",
        "Would we recommend this to colleagues? Would we do it again?",
        "How do we stay in touch?",
    ],
}


def template_items(program: Program, kind: str) -> list[str]:
    custom = (program.agenda_templates or {}).get(kind)
    return [OPENER, *(custom if custom else DEFAULTS.get(kind, DEFAULTS["regular"]))]
