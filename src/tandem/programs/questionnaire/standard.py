"""The standard questionnaire of each program kind, which a new program starts from."""

from __future__ import annotations

from dataclasses import dataclass

from tandem.programs.models import (
    MEETING_FORMATS,
    ProgramKind,
    QuestionKind,
)

LEARNING_STYLES = [
    ("talk", "Talking it through"),
    ("examples", "Seeing worked examples"),
    ("doing", "Trying things, then reflecting"),
    ("reading", "Reading and sharing resources"),
]
COMMON_LANGUAGES = [
    ("en", "English"),
    ("de", "German"),
    ("fr", "French"),
    ("es", "Spanish"),
    ("pt", "Portuguese"),
    ("it", "Italian"),
    ("nl", "Dutch"),
    ("pl", "Polish"),
    ("sv", "Swedish"),
    ("tr", "Turkish"),
    ("ar", "Arabic"),
    ("hi", "Hindi"),
    ("zh", "Chinese"),
    ("ja", "Japanese"),
    ("ko", "Korean"),
    ("ru", "Russian"),
    ("uk", "Ukrainian"),
]
BACKGROUND_CHOICES = [
    "First-generation professional",
    "Career changer",
    "Parent or carer",
    "Person with a disability",
    "LGBTQ+",
    "Under-represented ethnicity in my field",
    "Woman in a male-dominated field",
    "Returner after a career break",
]
BACKGROUND_CONSENT = (
    "I choose to share this for one purpose: anonymous figures on whether matching reaches every "
    "group fairly, shown to coordinators only for groups of at least 5 people and only for the "
    "program's first matching run. It is not used to choose my match, and no person ever sees my "
    "answer. I can remove it at any time under “Your data”; it is deleted at once."
)
MAX_PREFERRED = 3


@dataclass(frozen=True)
class StandardQuestion:
    kind: str
    key: str
    label: str
    required: bool = False
    help_text: str = ""
    choices: tuple[str, ...] = ()
    show_if_key: str = ""
    show_if_values: tuple[str, ...] = ()


def standard_questions(kind: str) -> list[StandardQuestion]:
    q = StandardQuestion
    role = [
        q(
            QuestionKind.ROLE,
            "role",
            "Do you join as a mentor or as a mentee?",
            True,
            choices=("mentor", "mentee"),
        )
    ]
    offered = q(
        QuestionKind.SKILLS_OFFERED,
        "skills_offered",
        "What can you help others with?",
        True,
        "Pick the skills you are happy to share.",
    )
    wanted = q(
        QuestionKind.SKILLS_WANTED,
        "skills_wanted",
        "What do you want to grow in?",
        True,
        "Your partner will be chosen partly for these.",
    )
    goals = q(
        QuestionKind.GOALS,
        "goals",
        "What would make this program a success for you?",
        True,
        "A sentence or two, e.g. “run a workshop without notes by June”.",
    )
    level = q(QuestionKind.LEVEL, "level", "Your career level", True)
    department = q(QuestionKind.DEPARTMENT, "department", "Your department", True)
    timezone = q(QuestionKind.TIMEZONE, "timezone", "Your time zone", True)
    languages = q(QuestionKind.LANGUAGES, "languages", "Languages you can meet in", True)
    availability = q(
        QuestionKind.AVAILABILITY,
        "availability",
        "When could you usually meet?",
        help_text="In your own time zone.",
    )
    formats = q(
        QuestionKind.MEETING_FORMAT,
        "meeting_format",
        "How would you like to meet?",
        choices=tuple(k for k, _ in MEETING_FORMATS),
    )
    style = q(
        QuestionKind.LEARNING_STYLE,
        "learning_style",
        "How do you learn best?",
        choices=tuple(k for k, _ in LEARNING_STYLES),
    )
    interests = q(QuestionKind.INTERESTS, "interests", "Topics you would enjoy talking about")
    background = q(
        QuestionKind.BACKGROUND,
        "background",
        "Anything about your background you would like to share for fairness figures? (optional)",
        help_text="Only kept if you tick the consent box; never used to choose your match.",
        choices=tuple(BACKGROUND_CHOICES),
    )
    preferred = q(
        QuestionKind.PREFERRED_PEERS,
        "preferred_peers",
        "Anyone you would especially like to be matched with?",
        help_text=f"Up to {MAX_PREFERRED} work emails or names, separated by commas.",
    )
    avoid = q(
        QuestionKind.AVOID_PEERS,
        "avoid_peers",
        "Anyone you would rather not be matched with? (private)",
        help_text="Only the matching engine sees this list; nobody else ever does.",
    )
    if kind == ProgramKind.MENTOR_MENTEE:
        mentor_offers = q(
            QuestionKind.SKILLS_OFFERED,
            "skills_offered",
            "What can you mentor others in?",
            True,
            show_if_key="role",
            show_if_values=("mentor",),
        )
        mentee_wants = q(
            QuestionKind.SKILLS_WANTED,
            "skills_wanted",
            "What do you want a mentor's help with?",
            True,
            show_if_key="role",
            show_if_values=("mentee",),
        )
        return [
            *role,
            mentor_offers,
            mentee_wants,
            goals,
            level,
            department,
            timezone,
            languages,
            availability,
            formats,
            style,
            background,
            preferred,
            avoid,
        ]
    if kind == ProgramKind.COFFEE_ROTATION:
        return [timezone, languages, interests, availability, formats, avoid]
    if kind == ProgramKind.CIRCLES:
        return [
            wanted,
            offered,
            goals,
            level,
            department,
            timezone,
            languages,
            availability,
            formats,
            background,
            avoid,
        ]
    if kind == ProgramKind.ONBOARDING_BUDDY:
        return [offered, interests, department, timezone, languages, availability, formats, avoid]
    return [
        offered,
        wanted,
        goals,
        level,
        department,
        timezone,
        languages,
        availability,
        formats,
        style,
        interests,
        background,
        preferred,
        avoid,
    ]
