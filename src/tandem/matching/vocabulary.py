"""The words spreadsheets use for people, shared by the HR import, the cohort import and the
``tandem match`` command line, so one file reads the same way everywhere.

Pure Python (no Django): the matching engine's reader uses it too.
"""

from __future__ import annotations

import re

#: normalised header spellings (lower case, letters and digits only) for each directory field
HEADER_SPELLINGS: dict[str, tuple[str, ...]] = {
    "email": (
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
    "name": (
        "name",
        "fullname",
        "employeename",
        "displayname",
        "preferredfullname",
        "preferredname",
        "workername",
        "legalname",
    ),
    "first_name": (
        "firstname",
        "givenname",
        "preferredfirstname",
        "forename",
        "legalfirstname",
    ),
    "last_name": (
        "lastname",
        "surname",
        "familyname",
        "legallastname",
    ),
    "employee_id": (
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
    "department": (
        "department",
        "dept",
        "departmentname",
        "orgunit",
        "organisationalunit",
        "organizationalunit",
        "businessunit",
        "division",
    ),
    "team": (
        "team",
        "teamname",
        "subdepartment",
        "squad",
        "group",
    ),
    "manager_email": (
        "manageremail",
        "managerworkemail",
        "manageremailaddress",
        "supervisoremail",
        "reportstoemail",
        "linemanageremail",
        "reportingmanageremail",
        "managersemail",
    ),
    "job_title": (
        "jobtitle",
        "title",
        "position",
        "positiontitle",
        "businesstitle",
        "role",
        "jobname",
    ),
    "level": (
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
    "location": (
        "location",
        "office",
        "worklocation",
        "site",
        "city",
        "officelocation",
        "workplace",
        "worksite",
    ),
    "timezone": (
        "timezone",
        "tz",
        "worktimezone",
        "timezonename",
        "zone",
    ),
    "languages": (
        "languages",
        "language",
        "spokenlanguages",
        "languagesspoken",
        "worklanguages",
    ),
    "hire_date": (
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
    "status": (
        "status",
        "employmentstatus",
        "employeestatus",
        "workerstatus",
        "active",
        "activestatus",
    ),
    "leave_date": (
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
}


def normalise_header(header: str) -> str:
    """ "Work E-mail Address " → "workemailaddress"."""
    return re.sub(r"[^a-z0-9]", "", header.replace("\ufeff", "").strip().lower())


def field_for_header(header: str) -> str | None:
    """The directory field a column header names, or None."""
    spelling = normalise_header(header)
    return next((key for key, spellings in HEADER_SPELLINGS.items() if spelling in spellings), None)


_LEVEL = re.compile(r"^(?:level|lvl|l|grade|g|band|b|ic|p|m|e)?\s*[-_ ]?\s*(\d{1,2})$", re.I)


def level_number(value: object) -> int | None:
    """A career level written as 3, 3.0, "L3", "Level 3", "G3", "Band 3", "IC3" → 3; else None.

    The range is the caller's to check."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return int(value) if float(value).is_integer() else None
    match = _LEVEL.match(str(value).strip())
    return int(match.group(1)) if match else None
