"""What a person types to the bot in their 1:1 chat: ``help``, ``pause until 2026-12-31``,
``resume``, ``snooze`` (sit out the next round), ``status`` (my matches and next round). The
rules are the shared chat commands' (``tandem.integrations.commands``, as Slack's ``/tandem``);
this module only words the answer as a card. Anything else gets the help card."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from tandem.accounts.models import User
from tandem.integrations import commands
from tandem.integrations.teams import cards
from tandem.people.selectors import person_timezone

HELP = (
    "Type one of these here:\n"
    "- **status** — your current matches and your next coffee round\n"
    "- **snooze** — sit out the next round of your coffee rotations\n"
    "- **pause until 2026-12-31** — no messages until that date (account mail still comes)\n"
    "- **resume** — end a pause\n"
    "- **help** — this list"
)


def _card(title: str, text: str) -> dict[str, object]:
    return cards.card(title, [cards.text_block(text)], [])


def help_card(prefix: str = "") -> dict[str, object]:
    return _card("Tandem", f"{prefix}\n\n{HELP}" if prefix else HELP)


def answer(user: User | None, text: str) -> dict[str, object]:
    """The card answering what the person typed."""
    words = text.strip().lower().split()
    verb = words[0] if words else "help"
    if user is None:
        return _card(
            "Tandem", "Tandem does not know your Teams account yet; ask your Tandem admin."
        )
    if verb == "help":
        return help_card()
    if verb in ("pause", "resume", "unpause"):
        return _card("Notifications", _pause(user, text, resume=verb != "pause"))
    if verb in ("snooze", "skip"):
        return _card("Coffee rotation", _snooze(user))
    if verb in ("status", "matches", "next"):
        return _card("Your Tandem", _status(user))
    return help_card(f"I don't know “{text.strip()[:40]}”.")


def _pause(user: User, text: str, *, resume: bool) -> str:
    if resume:
        return commands.pause_notifications(user, None).text
    try:
        until = commands.pause_until(text)
    except commands.NoPauseDate:
        return "Say until when, e.g. **pause until 2026-12-31**."
    except commands.PauseRefused as exc:
        return str(exc)
    result = commands.pause_notifications(user, until)
    return f"{result.text} Type **resume** to end it sooner." if result.ok else result.text


def _snooze(user: User) -> str:
    results = commands.skip_next_round(user)
    if not results:
        return "You are not in a coffee rotation."
    return "\n\n".join(r.text for r in results)


def _status(user: User) -> str:
    matches = commands.current_matches(user)
    lines = (
        ["**Your matches**"]
        + [
            f"- {m.program} with {', '.join(m.others)} ({m.status}) — [open]({m.url})"
            for m in matches
        ]
        if matches
        else ["You have no current matches."]
    )
    zone = ZoneInfo(person_timezone(user.pk) or "UTC")
    rounds = []
    for next_round in commands.next_rounds(user):
        when = (
            f"{next_round.at.astimezone(zone):%A %d %B} ({zone.key})"
            if next_round.at
            else "when the coordinator starts the first one"
        )
        out = " — you sit it out" if next_round.sitting_out else ""
        rounds.append(f"Next round of {next_round.program}: {when}{out}.")
    return "\n".join(lines) + ("\n\n" + "\n\n".join(rounds) if rounds else "")
