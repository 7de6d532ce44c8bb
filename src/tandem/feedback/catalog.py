"""The survey templates Tandem ships: kickoff pulse, periodic check-in, mid-point review and
end-of-program evaluation. Wording follows the peer model: everyone wears both hats, so
hat-specific questions say "when you were the one sharing" / "when you brought the question"."""

from __future__ import annotations

from dataclasses import dataclass, field

from tandem.feedback.models import Anchor, Hat, Measure, QuestionKind, SurveyKind
from tandem.programs.models import Program, ProgramKind

AGREEMENT = (
    "Strongly disagree",
    "Disagree",
    "Neither agree nor disagree",
    "Agree",
    "Strongly agree",
)
SKILL_LEVELS = ("Just starting", "Basic", "Comfortable", "Strong", "Could teach it")
NPS_ENDS = ("Not at all likely", "Extremely likely")
MAX_SKILLS = 8


@dataclass(frozen=True)
class QuestionSpec:
    kind: str
    text: str
    measure: str = Measure.NONE
    hat: str = Hat.BOTH
    choices: tuple[str, ...] = ()
    required: bool = True
    help_text: str = ""


@dataclass(frozen=True)
class SurveyTemplate:
    kind: str
    title: str
    intro: str
    questions: tuple[QuestionSpec, ...]
    anchor: str = Anchor.START
    day_offset: int | None = None
    repeat_every_days: int | None = None
    open_days: int = 14
    reminder_days: tuple[int, ...] = (4, 9)
    skill_growth: bool = False
    culture: tuple[QuestionSpec, ...] = field(default=())

    def day_offset_for(self, program: Program) -> int | None:
        if self.kind == SurveyKind.MIDPOINT:
            return program.duration_months * 30 // 2
        return self.day_offset


def partner_noun(program: Program, whose: str = "your") -> str:
    """The people someone meets, as a question puts it ("Have you met your buddy?") or as a
    statement the respondent agrees with does (``whose="my"``: "I felt it helped my buddy")."""
    noun = {
        ProgramKind.CIRCLES: "circle",
        ProgramKind.COFFEE_ROTATION: "coffee partners",
        ProgramKind.ONBOARDING_BUDDY: "buddy",
        ProgramKind.MENTOR_MENTEE: "mentoring partner",
    }.get(ProgramKind(program.kind), "partner")
    return f"{whose} {noun}"


L, N, S, M, T = (
    QuestionKind.LIKERT,
    QuestionKind.NPS,
    QuestionKind.SINGLE,
    QuestionKind.MULTI,
    QuestionKind.TEXT,
)

KICKOFF = SurveyTemplate(
    kind=SurveyKind.KICKOFF_PULSE,
    title="Kickoff pulse",
    intro="Two minutes on how the start of the program feels, so we can fix what is unclear "
    "while it still matters.",
    anchor=Anchor.START,
    day_offset=14,
    open_days=10,
    reminder_days=(4,),
    questions=(
        QuestionSpec(
            L,
            "I have a clear idea of what I want to get out of this program.",
            Measure.EXPECTATIONS,
        ),
        QuestionSpec(
            L,
            "The guidelines — how often to meet, what to talk about, what stays confidential — "
            "are clear to me.",
            Measure.CLARITY,
        ),
        QuestionSpec(
            L,
            "I feel confident I can make the first conversations with {my_partner} useful.",
            Measure.CONFIDENCE,
        ),
        QuestionSpec(
            S,
            "Have you had your first meeting with {partner} yet?",
            Measure.MEETING_FREQUENCY,
            choices=("Yes", "Not yet, but it is scheduled", "Not yet, and nothing is scheduled"),
        ),
        QuestionSpec(
            L,
            "I feel comfortable bringing my own questions and challenges to {my_partner}.",
            hat=Hat.MENTEE,
            help_text="Mentee hat: the times you bring the question.",
        ),
        QuestionSpec(
            L,
            "I believe I have experience worth sharing with {my_partner}.",
            hat=Hat.MENTOR,
            help_text="Mentor hat: the times you share what you know.",
        ),
        QuestionSpec(
            T,
            "Is anything unclear, or is there anything that would help you get started?",
            required=False,
        ),
    ),
)

CHECKIN = SurveyTemplate(
    kind=SurveyKind.CHECKIN,
    title="Check-in",
    intro="A short check-in on how your mentoring is going. It takes about three minutes.",
    anchor=Anchor.START,
    day_offset=30,
    repeat_every_days=60,
    open_days=14,
    reminder_days=(5, 10),
    questions=(
        QuestionSpec(
            S,
            "How many times have you met {partner} in the last month?",
            Measure.MEETING_FREQUENCY,
            choices=("Not at all", "Once", "Twice", "Three times or more"),
        ),
        QuestionSpec(L, "Our conversations have been useful to me.", Measure.USEFULNESS),
        QuestionSpec(
            L,
            "When I was the one sharing my experience, I felt it helped {my_partner}.",
            hat=Hat.MENTOR,
            help_text="Mentor hat: the times you shared what you know.",
        ),
        QuestionSpec(
            L,
            "When I brought a question or challenge, I got the support I needed.",
            hat=Hat.MENTEE,
            help_text="Mentee hat: the times you brought the question.",
        ),
        QuestionSpec(
            L,
            "We both get to bring topics; it does not feel one-sided.",
            Measure.RECIPROCITY,
        ),
        QuestionSpec(
            L,
            "Overall, I am satisfied with how my mentoring is going.",
            Measure.SATISFACTION,
        ),
        QuestionSpec(
            T,
            "What is one thing that would make your next conversation more useful?",
            required=False,
        ),
    ),
)

MIDPOINT = SurveyTemplate(
    kind=SurveyKind.MIDPOINT,
    title="Mid-point review",
    intro="Halfway there. Tell us what is working and what to change for the second half.",
    anchor=Anchor.START,
    open_days=14,
    reminder_days=(5, 10),
    questions=(
        QuestionSpec(
            L, "I am making progress toward the goal I set at the start.", Measure.PROGRESS
        ),
        QuestionSpec(
            L,
            "When I was the one sharing, I learned something myself.",
            hat=Hat.MENTOR,
            help_text="Mentor hat: the times you shared what you know.",
        ),
        QuestionSpec(
            L,
            "When I brought a question, I left with something I could act on.",
            hat=Hat.MENTEE,
            help_text="Mentee hat: the times you brought the question.",
        ),
        QuestionSpec(L, "Overall, I am satisfied with the program so far.", Measure.SATISFACTION),
        QuestionSpec(
            S,
            "Would you like to continue with {partner} for the second half?",
            Measure.CONTINUE,
            choices=("Yes", "Yes, with some changes", "I would prefer a new match"),
        ),
        QuestionSpec(
            M,
            "What has helped most so far?",
            choices=(
                "Meeting regularly",
                "Having an agenda",
                "Setting goals together",
                "The experience {partner} shared",
                "The program's resources",
            ),
            required=False,
        ),
        QuestionSpec(T, "What should we change for the second half?", required=False),
    ),
)

END_OF_PROGRAM = SurveyTemplate(
    kind=SurveyKind.END_OF_PROGRAM,
    title="End-of-program evaluation",
    intro="Thank you for taking part. Your answers decide what the next round looks like.",
    anchor=Anchor.END,
    day_offset=-7,
    open_days=21,
    reminder_days=(5, 12),
    skill_growth=True,
    questions=(
        QuestionSpec(
            N,
            "How likely are you to recommend this program to a colleague?",
            Measure.PROGRAM_NPS,
        ),
        QuestionSpec(
            N,
            "How likely are you to recommend {partner} as a peer mentor to a colleague?",
            Measure.PARTNER_RECOMMEND,
        ),
        QuestionSpec(L, "Overall, I am satisfied with the program.", Measure.SATISFACTION),
        QuestionSpec(
            L,
            "Wearing the mentor hat helped me grow as well.",
            hat=Hat.MENTOR,
            help_text="Mentor hat: the times you shared what you know.",
        ),
        QuestionSpec(
            L,
            "Wearing the mentee hat, I got guidance I could not easily have found elsewhere.",
            hat=Hat.MENTEE,
            help_text="Mentee hat: the times you brought the question.",
        ),
        QuestionSpec(
            S,
            "Would you take part in another round?",
            Measure.CONTINUE,
            choices=("Yes", "Maybe", "No"),
        ),
        QuestionSpec(T, "What was the most valuable part of the program for you?", required=False),
        QuestionSpec(T, "What should we do differently next time?", required=False),
    ),
    culture=(
        QuestionSpec(
            L, "Through this program I know more people outside my team.", Measure.CULTURE
        ),
        QuestionSpec(L, "I feel more confident asking colleagues for help.", Measure.CULTURE),
        QuestionSpec(L, "I am more willing to share what I know with colleagues.", Measure.CULTURE),
        QuestionSpec(L, "I feel a stronger sense of belonging at work.", Measure.CULTURE),
    ),
)

CUSTOM = SurveyTemplate(
    kind=SurveyKind.CUSTOM,
    title="Survey",
    intro="",
    questions=(),
    reminder_days=(5,),
)

TEMPLATES: dict[str, SurveyTemplate] = {
    template.kind: template for template in (KICKOFF, CHECKIN, MIDPOINT, END_OF_PROGRAM, CUSTOM)
}

SKILL_BEFORE_TEXT = "Before the program, how would you rate your {skill}?"
SKILL_AFTER_TEXT = "Today, how would you rate your {skill}?"
SKILL_HELP = "Asked because you wanted to grow in {skill}."


def render(text: str, program: Program) -> str:
    """Fill in how this program's kind names the people you meet."""
    return text.replace("{partner}", partner_noun(program)).replace(
        "{my_partner}", partner_noun(program, "my")
    )
