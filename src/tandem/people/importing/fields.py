"""The directory fields an HR file can fill; the header names HR systems use for them are in
:mod:`tandem.matching.vocabulary`, shared with ``tandem match``."""

from __future__ import annotations

from dataclasses import dataclass

from tandem.matching.vocabulary import HEADER_SPELLINGS, normalise_header


@dataclass(frozen=True)
class TargetField:
    key: str
    label: str
    headers: tuple[str, ...]  # normalised header spellings that map here automatically
    required: bool = False
    help: str = ""


FIELDS: tuple[TargetField, ...] = (
    TargetField(
        "email",
        "Email",
        HEADER_SPELLINGS["email"],
        required=True,
        help="Work email; it is the person's sign-in and how rows are matched to the directory.",
    ),
    TargetField(
        "name",
        "Full name",
        HEADER_SPELLINGS["name"],
        help="Or map first and last name columns instead.",
    ),
    TargetField("first_name", "First name", HEADER_SPELLINGS["first_name"]),
    TargetField("last_name", "Last name", HEADER_SPELLINGS["last_name"]),
    TargetField("employee_id", "Employee ID", HEADER_SPELLINGS["employee_id"]),
    TargetField("department", "Department", HEADER_SPELLINGS["department"]),
    TargetField("team", "Team", HEADER_SPELLINGS["team"]),
    TargetField(
        "manager_email",
        "Manager email",
        HEADER_SPELLINGS["manager_email"],
        help="The manager's work email; the manager may appear anywhere in the file.",
    ),
    TargetField("job_title", "Job title", HEADER_SPELLINGS["job_title"]),
    TargetField(
        "level",
        "Career level",
        HEADER_SPELLINGS["level"],
        help="1 to 8; “L3”, “Level 3” and “G3” are understood.",
    ),
    TargetField("location", "Location", HEADER_SPELLINGS["location"]),
    TargetField(
        "timezone",
        "Time zone",
        HEADER_SPELLINGS["timezone"],
        help="An IANA name such as Europe/Berlin or America/New_York.",
    ),
    TargetField(
        "languages",
        "Languages",
        HEADER_SPELLINGS["languages"],
        help="Separated by ; , or /. Names (German) or codes (de) both work.",
    ),
    TargetField("hire_date", "Hire date", HEADER_SPELLINGS["hire_date"]),
    TargetField(
        "status",
        "Employment status",
        HEADER_SPELLINGS["status"],
        help="Active, or Terminated / Left / Inactive.",
    ),
    TargetField("leave_date", "Leave date", HEADER_SPELLINGS["leave_date"]),
)

FIELDS_BY_KEY = {f.key: f for f in FIELDS}

Mapping = dict[str, int]  # field key -> column index


def detect_mapping(headers: list[str]) -> Mapping:
    """Map each field to the first column whose normalised header is one of its spellings."""
    mapping: Mapping = {}
    taken: set[int] = set()
    normalised = [normalise_header(h) for h in headers]
    for target in FIELDS:
        for index, header in enumerate(normalised):
            if index not in taken and header in target.headers:
                mapping[target.key] = index
                taken.add(index)
                break
    return mapping


def mapping_problems(mapping: Mapping, column_count: int) -> list[str]:
    """File-level problems with a mapping, written for the person fixing it."""
    problems = []
    if "email" not in mapping:
        problems.append("No column is mapped to Email; every person needs a work email.")
    if "name" not in mapping and not {"first_name", "last_name"} & mapping.keys():
        problems.append("No column is mapped to Full name (or to First name and Last name).")
    for key, index in mapping.items():
        if key not in FIELDS_BY_KEY:
            problems.append(f"Unknown field “{key}” in the column mapping.")
        elif not 0 <= index < column_count:
            problems.append(
                f"{FIELDS_BY_KEY[key].label} is mapped to a column that does not exist."
            )
    seen: dict[int, str] = {}
    for key, index in mapping.items():
        if index in seen and key in FIELDS_BY_KEY and seen[index] in FIELDS_BY_KEY:
            problems.append(
                f"Column {index + 1} is mapped twice ({FIELDS_BY_KEY[seen[index]].label} and "
                f"{FIELDS_BY_KEY[key].label})."
            )
        seen[index] = key
    return problems


def override_mapping(headers: list[str], overrides: dict[str, str]) -> tuple[Mapping, list[str]]:
    """The detected mapping with some fields pointed at named columns, e.g. {"email": "Mail"}.

    Returns the mapping and, for overrides that do not fit, one problem each.
    """
    mapping = detect_mapping(headers)
    lookup = {header.strip().lower(): index for index, header in enumerate(headers)}
    problems = []
    for key, header in overrides.items():
        index = lookup.get(str(header).strip().lower())
        if key not in FIELDS_BY_KEY:
            problems.append(f"unknown field “{key}”; fields are {', '.join(FIELDS_BY_KEY)}")
        elif index is None:
            problems.append(f"no column named “{header}” in the file")
        else:
            mapping = {k: v for k, v in mapping.items() if v != index and k != key}
            mapping[key] = index
    return mapping, problems
