"""The directory fields an HR file can fill, and the header names HR systems use for them."""

from __future__ import annotations

import re
from dataclasses import dataclass


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
        (
            "email",
            "emailaddress",
            "workemail",
            "workemailaddress",
            "businessemail",
            "employeeemail",
            "primaryemail",
            "emailwork",
            "mail",
            "companyemail",
            "officeemail",
        ),
        required=True,
        help="Work email; it is the person's sign-in and how rows are matched to the directory.",
    ),
    TargetField(
        "name",
        "Full name",
        (
            "name",
            "fullname",
            "employeename",
            "displayname",
            "preferredfullname",
            "preferredname",
            "workername",
            "legalname",
        ),
        help="Or map first and last name columns instead.",
    ),
    TargetField(
        "first_name",
        "First name",
        ("firstname", "givenname", "preferredfirstname", "forename", "legalfirstname"),
    ),
    TargetField("last_name", "Last name", ("lastname", "surname", "familyname", "legallastname")),
    TargetField(
        "employee_id",
        "Employee ID",
        (
            "employeeid",
            "employeenumber",
            "empid",
            "empno",
            "workerid",
            "personnelnumber",
            "staffid",
            "employeecode",
            "id",
        ),
    ),
    TargetField(
        "department",
        "Department",
        (
            "department",
            "dept",
            "departmentname",
            "orgunit",
            "organisationalunit",
            "organizationalunit",
            "businessunit",
            "division",
        ),
    ),
    TargetField("team", "Team", ("team", "teamname", "subdepartment", "squad", "group")),
    TargetField(
        "manager_email",
        "Manager email",
        (
            "manageremail",
            "managerworkemail",
            "manageremailaddress",
            "supervisoremail",
            "reportstoemail",
            "linemanageremail",
            "reportingmanageremail",
            "managersemail",
        ),
        help="The manager's work email; the manager may appear anywhere in the file.",
    ),
    TargetField(
        "job_title",
        "Job title",
        ("jobtitle", "title", "position", "positiontitle", "businesstitle", "role", "jobname"),
    ),
    TargetField(
        "level",
        "Career level",
        (
            "level",
            "careerlevel",
            "joblevel",
            "grade",
            "jobgrade",
            "band",
            "careerband",
            "seniority",
            "senioritylevel",
        ),
        help="1 to 8; “L3”, “Level 3” and “G3” are understood.",
    ),
    TargetField(
        "location",
        "Location",
        (
            "location",
            "office",
            "worklocation",
            "site",
            "city",
            "officelocation",
            "workplace",
            "worksite",
        ),
    ),
    TargetField(
        "timezone",
        "Time zone",
        ("timezone", "tz", "worktimezone", "timezonename", "zone"),
        help="An IANA name such as Europe/Berlin or America/New_York.",
    ),
    TargetField(
        "languages",
        "Languages",
        ("languages", "language", "spokenlanguages", "languagesspoken", "worklanguages"),
        help="Separated by ; , or /. Names (German) or codes (de) both work.",
    ),
    TargetField(
        "hire_date",
        "Hire date",
        (
            "hiredate",
            "startdate",
            "dateofhire",
            "originalhiredate",
            "datehired",
            "joiningdate",
            "joindate",
            "employmentstartdate",
            "senioritydate",
            "mostrecenthiredate",
        ),
    ),
    TargetField(
        "status",
        "Employment status",
        ("status", "employmentstatus", "employeestatus", "workerstatus", "active", "activestatus"),
        help="Active, or Terminated / Left / Inactive.",
    ),
    TargetField(
        "leave_date",
        "Leave date",
        (
            "terminationdate",
            "enddate",
            "leavedate",
            "leavingdate",
            "lastday",
            "lastdayofwork",
            "separationdate",
            "exitdate",
            "employmentenddate",
        ),
    ),
)

FIELDS_BY_KEY = {f.key: f for f in FIELDS}

Mapping = dict[str, int]  # field key -> column index


def normalise_header(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.replace("\ufeff", "").strip().lower())


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
