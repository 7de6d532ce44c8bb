"""Demo group sessions and discussion: the pilot had a kickoff and a lunch-and-learn (with
attendance and a pulse), runs a mentor peer-support circle soon that is full with a waitlist,
a volunteer offers flash mentoring slots, and its discussion is lively, with a pinned thread.
Everything goes through the real services, with the clock set back for the past."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from tandem.accounts.models import User
from tandem.community.models import Thread
from tandem.community.services.discussion import post_reply, thread_create, thread_moderate
from tandem.community.services.rsvp import pulse_answer, rsvp_cancel, rsvp_join
from tandem.community.services.sessions import SessionData, attendance_take, session_create
from tandem.programs.models import Enrolment, EnrolmentStatus, Program

BERLIN = ZoneInfo("Europe/Berlin")

THREADS = [
    (
        "Start here: how this space works",
        "Welcome to the pilot's discussion! Ask questions, share what worked in your "
        "sessions, and swap tips.\n\n- Be kind and specific.\n- Keep what your partner told "
        "you **between the two of you**.\n- Anything worrying? Use *Report* or write to us.",
        [
            "Thanks! Is it fine to post questions about our goals here, or should those stay "
            "in the pair?",
            "Good question: general questions here, anything about your partner stays in the "
            "pair. Private notes are only visible to the two of you.",
        ],
    ),
    (
        "What do you do in the first ten minutes?",
        "We keep losing the first ten minutes to small talk. How do you get going?",
        [
            "We each say one thing we want out of the hour. Takes two minutes and sets the agenda.",
            "A shared doc with three bullet points, written the day before. Works much better "
            "than improvising.",
            "Honestly, a bit of small talk helps us. We cap it with a timer though.",
            "Stealing the one-thing idea, thanks!",
        ],
    ),
    (
        "Switching hats: who brings the topic?",
        "My partner and I both want to learn SQL from each other... which of course doesn't "
        "work. How do you split the sessions?",
        [
            "We alternate: odd sessions I bring the question, even sessions she does.",
            "We found out I know window functions and he knows query plans. Complementary after "
            "all!",
        ],
    ),
    (
        "Recommendation: the feedback lunch-and-learn",
        "If you missed it: the SBI model (situation, behaviour, impact) from last week's "
        "session has changed how I give feedback to my partner. The slides are on the "
        "session page.",
        ["+1, the role-play part was the most useful bit."],
    ),
]


def _at(days: int, hour: int) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return datetime.combine(day, time(hour, 0), tzinfo=BERLIN)


def _members(program: Program, participant: User | None) -> list[User]:
    users = [
        e.person.user
        for e in Enrolment.objects.filter(program=program, status=EnrolmentStatus.ACTIVE)
        .select_related("person__user")
        .order_by("pk")
    ]
    if participant is not None and participant in users:
        users.remove(participant)
        users.insert(0, participant)
    return users


def _past_session(
    coordinator: User,
    program: Program | None,
    people: list[User],
    *,
    kind: str,
    title: str,
    days: int,
    description: str,
    host: User | None = None,
) -> None:
    start = _at(days, 12)
    created = start - timedelta(days=14)
    (session,) = session_create(
        actor=coordinator,
        program=program,
        announce=False,
        now=created,
        host=host,
        data=SessionData(
            kind=kind,
            title=title,
            description=description,
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            timezone="Europe/Berlin",
            online_url="https://meet.northwind.example/pilot",
            place="Atrium, Berlin office",
            capacity=30,
            min_attendees=6,
        ),
    )
    for index, user in enumerate(people):
        rsvp_join(user=user, session_id=session.pk, now=created + timedelta(hours=index))
    came = {u.pk for i, u in enumerate(people) if i % 5 != 4}
    after = session.ends_at + timedelta(minutes=10)
    attendance_take(actor=coordinator, session_id=session.pk, present=came, now=after)
    for index, user in enumerate(people):
        if user.pk in came and index % 3 != 2:
            comment = "More role-play, please." if index % 4 == 0 else ""
            pulse_answer(
                user=user, session_id=session.pk, rating=4 + index % 2, comment=comment, now=after
            )


def seed_community(*, coordinator_email: str, participant_email: str) -> None:
    program = Program.objects.get(name="Peer Mentoring Pilot")
    coordinator = User.objects.get(email=coordinator_email)
    participant = User.objects.filter(email=participant_email).first()
    people = _members(program, participant)
    if len(people) < 16:
        return
    _past_session(
        coordinator,
        program,
        people[1:15],
        kind="kickoff",
        title="Pilot kickoff",
        days=-40,
        description="Why peer mentoring, how matching works, and your first meeting.",
    )
    _past_session(
        coordinator,
        program,
        people[:14],
        kind="lunch_learn",
        title="Giving feedback that lands (SBI)",
        days=-9,
        description="Situation, behaviour, impact: a 20-minute talk and role-play in threes.",
    )
    _past_session(
        coordinator,
        program,
        people[1:9],
        kind="skill_share",
        title="Skill-share: SQL window functions in 45 minutes",
        days=-16,
        description="RANK, LAG and running totals, with the queries to take home.",
        host=people[0],
    )
    start = _at(6, 16)
    (circle,) = session_create(
        actor=coordinator,
        program=program,
        announce=False,
        data=SessionData(
            kind="peer_support",
            title="Mentor peer-support circle: when a pair stalls",
            description="Bring one situation from your pair (anonymised). We help each other.",
            starts_at=start,
            ends_at=start + timedelta(minutes=45),
            timezone="Europe/Berlin",
            online_url="https://meet.northwind.example/circle",
            capacity=8,
            min_attendees=4,
            min_deadline=start - timedelta(days=2),
        ),
    )
    for user in people[1:12]:  # eight places, three on the waitlist
        rsvp_join(user=user, session_id=circle.pk)
    rsvp_cancel(user=people[3], session_id=circle.pk)  # the first on the waitlist moved up
    volunteer = people[15]
    slots = session_create(
        actor=volunteer,
        program=program,
        announce=False,
        data=SessionData(
            kind="flash",
            title=f"Flash mentoring with {volunteer.first_name}: SQL and dashboards",
            description="Thirty minutes on whatever SQL or dashboard question you have.",
            starts_at=_at(3, 10),
            timezone="Europe/Berlin",
            online_url="https://meet.northwind.example/flash",
            slots=4,
        ),
    )
    rsvp_join(user=people[0], session_id=slots[1].pk)
    rsvp_join(user=people[5], session_id=slots[2].pk)
    share = _at(12, 13)
    session_create(
        actor=people[2],
        program=program,
        announce=False,
        data=SessionData(
            kind="skill_share",
            title="Skill-share: running a retro people enjoy",
            starts_at=share,
            ends_at=share + timedelta(hours=1),
            timezone="Europe/Berlin",
            place="Room Lovelace, Berlin office",
            capacity=15,
            min_attendees=3,
        ),
    )
    _organisation_wide(coordinator, people)
    _discussion(program, coordinator, people)


def _organisation_wide(coordinator: User, pilot: list[User]) -> None:
    """Sessions open to everyone: a past skill-share led by an employee (Googler-to-Googler
    style) and an upcoming lunch-and-learn that people from across the company signed up for."""
    colleagues = list(
        User.objects.filter(is_active=True, person__isnull=False)
        .exclude(pk__in=[u.pk for u in pilot] + [coordinator.pk])
        .order_by("pk")[:60:3]
    )
    if len(colleagues) < 16:
        return
    _past_session(
        coordinator,
        None,
        colleagues[1:13] + pilot[2:5],
        kind="skill_share",
        title="Skill-share: presenting with confidence",
        days=-23,
        description="Ten habits of calm presenters, practised in pairs. Open to everyone.",
        host=colleagues[0],
    )
    start = _at(9, 12)
    (lunch,) = session_create(
        actor=coordinator,
        program=None,
        now=timezone.now() - timedelta(days=2),
        data=SessionData(
            kind="lunch_learn",
            title="Lunch-and-learn: what peer mentoring is (and is not)",
            description=(
                "For anyone curious about the programs: how pairs work, what it takes (about "
                "two hours a month), and stories from the pilot. Bring your lunch."
            ),
            starts_at=start,
            ends_at=start + timedelta(minutes=45),
            timezone="Europe/Berlin",
            online_url="https://meet.northwind.example/lunch",
            place="Atrium, Berlin office",
            capacity=40,
            min_attendees=8,
            min_deadline=start - timedelta(days=3),
        ),
    )
    for user in colleagues[4:20] + pilot[6:9]:
        rsvp_join(user=user, session_id=lunch.pk)


def _discussion(program: Program, coordinator: User, people: list[User]) -> None:
    base = timezone.now() - timedelta(days=20)
    for index, (title, body, replies) in enumerate(THREADS):
        author = coordinator if index == 0 else people[index * 3 % len(people)]
        when = base + timedelta(days=index * 4)
        thread = thread_create(
            actor=author, program_id=program.pk, title=title, body=body, now=when
        )
        for offset, text in enumerate(replies):
            replier = (
                coordinator
                if "Good question" in text
                else people[(index + offset * 5 + 1) % len(people)]
            )
            post_reply(
                actor=replier,
                thread_id=thread.pk,
                body=text,
                now=when + timedelta(hours=3 + offset * 7),
            )
        if index == 0:
            thread_moderate(actor=coordinator, thread_id=thread.pk, action="pin")
    assert Thread.objects.filter(program=program, pinned=True).exists()
