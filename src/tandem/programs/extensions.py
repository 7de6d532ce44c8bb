"""What apps above programs add to a program's pages (the layer map forbids programs importing
them): links such as the program's discussion and sessions, and notes shown before someone
enrols, such as the trainings the program asks for. Apps register a provider at start-up."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from tandem.accounts.models import User
from tandem.programs.models import Program


@dataclass(frozen=True)
class ProgramLink:
    label: str
    url: str
    note: str = ""


@dataclass(frozen=True)
class EnrolmentNote:
    """A sentence, then items (label, url or "", a short state such as "done")."""

    text: str
    items: list[tuple[str, str, str]] = field(default_factory=list)


LinkProvider = Callable[[User, Program], list[ProgramLink]]
NoteProvider = Callable[[User, Program], list[EnrolmentNote]]

_LINKS: list[LinkProvider] = []
_NOTES: list[NoteProvider] = []


def register_program_links(provider: LinkProvider) -> None:
    if provider not in _LINKS:
        _LINKS.append(provider)


def register_enrolment_notes(provider: NoteProvider) -> None:
    if provider not in _NOTES:
        _NOTES.append(provider)


def program_links(user: User, program: Program) -> list[ProgramLink]:
    return [link for provider in _LINKS for link in provider(user, program)]


def enrolment_notes(user: User, program: Program) -> list[EnrolmentNote]:
    return [note for provider in _NOTES for note in provider(user, program)]
