"""SCIM filters and PATCH on plain JSON (no database)."""

from __future__ import annotations

import pytest

from tandem.scim import filters, patch
from tandem.scim.schema import ENTERPRISE


@pytest.mark.parametrize(
    ("text", "paths"),
    [
        ('userName eq "a@b.c"', ["username"]),
        ('emails[type eq "work"].value eq "a@b.c"', ["emails.value"]),
        ('externalId eq "x" and userName eq "y"', ["externalid", "username"]),
        ('members[value eq "12"]', ["members.value=12"]),
        ('displayName eq "Admins" and members[value eq "7"]', ["displayname", "members.value=7"]),
    ],
)
def test_filters_parse(text, paths):
    assert [c.path for c in filters.parse(text)] == paths


@pytest.mark.parametrize(
    "text",
    ['userName sw "a"', "userName eq", 'userName eq "a" or x eq "b"', "userName eq unquoted", ""],
)
def test_bad_filters_are_refused(text):
    with pytest.raises(filters.FilterError):
        filters.parse(text)


def test_patch_value_filter_creates_the_work_email_when_missing():
    result = patch.apply(
        {"emails": [{"type": "home", "value": "h@x.test"}]},
        {
            "Operations": [
                {"op": "replace", "path": 'emails[type eq "work"].value', "value": "w@x.test"}
            ]
        },
    )
    assert {"type": "work", "value": "w@x.test"} in result["emails"]
    assert {"type": "home", "value": "h@x.test"} in result["emails"]


def test_patch_without_path_with_dotted_and_urn_keys():
    result = patch.apply(
        {"name": {"givenName": "A", "familyName": "B"}},
        {
            "Operations": [
                {
                    "op": "Replace",
                    "value": {"name.givenName": "C", f"{ENTERPRISE}:department": "Data"},
                }
            ]
        },
    )
    assert result["name"] == {"givenName": "C", "familyName": "B"}
    assert result[ENTERPRISE] == {"department": "Data"}


def test_patch_member_removal_by_path_and_by_value():
    group = {"members": [{"value": "1"}, {"value": "2"}, {"value": "3"}]}
    by_path = patch.apply(
        group, {"Operations": [{"op": "remove", "path": 'members[value eq "2"]'}]}
    )
    by_value = patch.apply(
        group, {"Operations": [{"op": "remove", "path": "members", "value": [{"value": "3"}]}]}
    )
    assert [m["value"] for m in by_path["members"]] == ["1", "3"]
    assert [m["value"] for m in by_value["members"]] == ["1", "2"]
    assert len(group["members"]) == 3  # the input is not changed


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"Operations": "x"},
        {"Operations": [{"op": "move", "path": "a"}]},
        {"Operations": [{"op": "remove"}]},
        {"Operations": [{"op": "add", "value": "not an object"}]},
        {"Operations": [{"op": "add", "path": "a[[", "value": 1}]},
    ],
)
def test_bad_patches_are_refused(body):
    with pytest.raises(patch.PatchError):
        patch.apply({"a": 1}, body)
