"""A self-contained HTML report of a solution: summary, score distribution, groups, left out."""

from __future__ import annotations

from html import escape
from pathlib import Path

from tandem.matching.records import Group, Participant, Solution

STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:70rem;color:#1d2430;padding:0 1rem}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem}
table{border-collapse:collapse;width:100%;font-size:.92rem}
th,td{border-bottom:1px solid #dde2ea;padding:.4rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f5f9}.num{text-align:right;font-variant-numeric:tabular-nums}
.cards{display:flex;flex-wrap:wrap;gap:.8rem}.card{border:1px solid #dde2ea;border-radius:.5rem;
padding:.6rem .9rem;min-width:9rem}.card b{display:block;font-size:1.3rem}
ul{margin:.2rem 0;padding-left:1.1rem}.muted{color:#5b6575}
"""


def _histogram_svg(solution: Solution) -> str:
    bins = solution.stats.histogram
    top = max((c for _, _, c in bins), default=0) or 1
    width, height, bar = 520, 180, 48
    parts = [
        f'<svg role="img" aria-label="Score distribution" width="{width}" '
        f'height="{height + 40}" viewBox="0 0 {width} {height + 40}">'
    ]
    for i, (lo, hi, count) in enumerate(bins):
        h = round(height * count / top)
        x = 10 + i * (bar + 2)
        parts.append(
            f'<rect x="{x}" y="{height - h}" width="{bar}" height="{h}" fill="#3b6fd8">'
            f"<title>{lo:.1f}-{hi:.1f}: {count}</title></rect>"
        )
        parts.append(
            f'<text x="{x + bar / 2}" y="{height + 14}" font-size="11" '
            f'text-anchor="middle">{lo:.1f}</text>'
        )
        if count:
            parts.append(
                f'<text x="{x + bar / 2}" y="{height - h - 3}" font-size="11" '
                f'text-anchor="middle">{count}</text>'
            )
    parts.append(
        f'<text x="{width / 2}" y="{height + 34}" font-size="12" '
        'text-anchor="middle">group score</text></svg>'
    )
    return "".join(parts)


def render_report(solution: Solution, people: list[Participant], title: str = "Matches") -> str:
    names = {p.id: p.name or p.id for p in people}
    out = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{escape(title)} — {escape(solution.kind.replace('_', ' '))}</h1>",
        *_summary(solution),
        "<h2>Score distribution</h2>",
        _histogram_svg(solution),
        *_groups_table(solution, names),
        *_unmatched_table(solution, names),
        "</body></html>",
    ]
    return "\n".join(out)


def _summary(solution: Solution) -> list[str]:
    """The headline figures as cards, the solver and bound used, and the solver's notes."""
    s = solution.stats
    cards = [
        ("people matched", f"{s.matched}"),
        ("left out", f"{s.unmatched}"),
        ("total score", f"{s.objective:.3f}"),
        ("upper bound", f"{s.bound:.3f}"),
        ("gap", "0 (proven optimal)" if s.certified_optimal else f"{100 * s.gap:.2f}%"),
        ("worst-off score", f"{s.worst_off:.3f}"),
        ("mean group score", f"{s.mean_score:.3f}"),
        ("time", f"{s.seconds:.2f} s"),
    ]
    return [
        "<div class='cards'>",
        *[
            f"<div class='card'><span class='muted'>{escape(k)}</span><b>{escape(v)}</b></div>"
            for k, v in cards
        ],
        "</div>",
        f"<p class='muted'>Solver: {escape(s.solver)}. Bound: {escape(s.bound_method)}.</p>",
        *[f"<p>{escape(note)}</p>" for note in solution.notes],
    ]


def _groups_table(solution: Solution, names: dict[str, str]) -> list[str]:
    out = [
        "<h2>Groups</h2>",
        "<table><thead><tr><th>#</th><th>Members</th><th class='num'>Score</th>"
        "<th>Why</th></tr></thead><tbody>",
    ]
    for number, group in enumerate(solution.groups, start=1):
        members = "<br>".join(_member(group, m, names) for m in group.members)
        why = "".join(f"<li>{escape(line)}</li>" for line in group.explanation)
        out.append(
            f"<tr><td>{number}</td><td>{members}</td><td class='num'>{group.score:.3f}"
            f"</td><td><ul>{why}</ul></td></tr>"
        )
    out.append("</tbody></table>")
    return out


def _member(group: Group, member: str, names: dict[str, str]) -> str:
    """A member's name, with their role in the group if it has roles."""
    role = next((role for role, i in group.roles.items() if i == member), "")
    label = f" <span class='muted'>({escape(role)})</span>" if role else ""
    return escape(names.get(member, member)) + label


def _unmatched_table(solution: Solution, names: dict[str, str]) -> list[str]:
    if not solution.unmatched:
        return []
    return [
        "<h2>Not matched</h2><table><thead><tr><th>Person</th><th>Reason</th></tr></thead><tbody>",
        *[
            f"<tr><td>{escape(names.get(item.id, item.id))}</td><td>{escape(item.reason)}</td></tr>"
            for item in solution.unmatched
        ],
        "</tbody></table>",
    ]


def write_report(path: Path, solution: Solution, people: list[Participant]) -> None:
    path.write_text(render_report(solution, people), encoding="utf-8")
