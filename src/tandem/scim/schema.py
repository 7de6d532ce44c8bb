"""What the SCIM server publishes about itself (RFC 7643 §5–§7, RFC 7644 §4).

Only attributes Tandem stores are published, so a client (and ``scim2-tester``) never sends
something that would be silently dropped.
"""

from __future__ import annotations

from typing import Any

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
SPC = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
RESOURCE_TYPE = "urn:ietf:params:scim:schemas:core:2.0:ResourceType"
SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Schema"

MAX_RESULTS = 200


def _attr(
    name: str,
    type_: str = "string",
    *,
    description: str = "",
    required: bool = False,
    multi: bool = False,
    mutability: str = "readWrite",
    returned: str = "default",
    uniqueness: str = "none",
    sub: list[dict[str, Any]] | None = None,
    canonical: list[str] | None = None,
    reference_types: list[str] | None = None,
) -> dict[str, Any]:
    attribute: dict[str, Any] = {
        "name": name,
        "type": type_,
        "multiValued": multi,
        "description": description or name,
        "required": required,
        "mutability": mutability,
        "returned": returned,
        "uniqueness": uniqueness,
    }
    if type_ in ("string", "reference"):
        attribute["caseExact"] = False
    if sub is not None:
        attribute["subAttributes"] = sub
    if canonical:
        attribute["canonicalValues"] = canonical
    if reference_types:
        attribute["referenceTypes"] = reference_types
    return attribute


USER_ATTRIBUTES = [
    _attr("userName", required=True, uniqueness="server", description="Unique sign-in name"),
    _attr(
        "name",
        "complex",
        sub=[_attr("formatted"), _attr("familyName"), _attr("givenName")],
        description="The person's name",
    ),
    _attr("displayName", description="Name shown in Tandem"),
    _attr("title", description="Job title"),
    _attr("active", "boolean", description="false: the person left (the leaver path)"),
    _attr(  # required: Tandem signs people in and matches the HR directory by work email
        "emails",
        "complex",
        multi=True,
        required=True,
        sub=[
            _attr(
                "value",
                required=True,
                description="Email address; the work one is the Tandem sign-in",
            ),
            _attr("type", canonical=["work", "home", "other"]),
            _attr("primary", "boolean"),
        ],
        description="Email addresses",
    ),
    _attr(
        "groups",
        "complex",
        multi=True,
        mutability="readOnly",
        sub=[
            _attr("value", mutability="readOnly"),
            _attr("$ref", "reference", mutability="readOnly", reference_types=["Group"]),
            _attr("display", mutability="readOnly"),
        ],
        description="Groups the person is a member of",
    ),
]

ENTERPRISE_ATTRIBUTES = [
    _attr("employeeNumber", description="Employee number"),
    _attr("department", description="Department"),
    _attr(
        "manager",
        "complex",
        sub=[
            _attr("value", description="id of the manager's User resource"),
            _attr("$ref", "reference", reference_types=["User"]),
        ],
        description="The person's manager",
    ),
]

GROUP_ATTRIBUTES = [
    _attr("displayName", required=True, uniqueness="server", description="Group name"),
    _attr(
        "members",
        "complex",
        multi=True,
        sub=[
            _attr("value", mutability="immutable"),
            _attr("$ref", "reference", mutability="immutable", reference_types=["User"]),
        ],
        description="Members (users only)",
    ),
]


def _schema(urn: str, name: str, description: str, attributes: list[Any], base: str) -> dict:
    return {
        "schemas": [SCHEMA],
        "id": urn,
        "name": name,
        "description": description,
        "attributes": attributes,
        "meta": {"resourceType": "Schema", "location": f"{base}/Schemas/{urn}"},
    }


def schemas(base: str) -> list[dict[str, Any]]:
    return [
        _schema(USER, "User", "User account", USER_ATTRIBUTES, base),
        _schema(ENTERPRISE, "EnterpriseUser", "Enterprise user", ENTERPRISE_ATTRIBUTES, base),
        _schema(GROUP, "Group", "Group", GROUP_ATTRIBUTES, base),
    ]


def resource_types(base: str) -> list[dict[str, Any]]:
    return [
        {
            "schemas": [RESOURCE_TYPE],
            "id": "User",
            "name": "User",
            "endpoint": "/Users",
            "description": "People in the Tandem directory",
            "schema": USER,
            "schemaExtensions": [{"schema": ENTERPRISE, "required": False}],
            "meta": {"resourceType": "ResourceType", "location": f"{base}/ResourceTypes/User"},
        },
        {
            "schemas": [RESOURCE_TYPE],
            "id": "Group",
            "name": "Group",
            "endpoint": "/Groups",
            "description": "Groups; configured groups grant Tandem roles",
            "schema": GROUP,
            "schemaExtensions": [],
            "meta": {"resourceType": "ResourceType", "location": f"{base}/ResourceTypes/Group"},
        },
    ]


def service_provider_config(base: str, docs_url: str) -> dict[str, Any]:
    return {
        "schemas": [SPC],
        "documentationUri": docs_url,
        "patch": {"supported": True},
        "bulk": {"supported": False, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": True, "maxResults": MAX_RESULTS},
        "changePassword": {"supported": False},
        "sort": {"supported": False},
        "etag": {"supported": True},
        "authenticationSchemes": [
            {
                "type": "oauthbearertoken",
                "name": "Bearer token",
                "description": "A token made by an admin in Tandem (Admin → SCIM tokens) or "
                "with `tandem scim-token create --name NAME`",
                "primary": True,
            }
        ],
        "meta": {
            "resourceType": "ServiceProviderConfig",
            "location": f"{base}/ServiceProviderConfig",
        },
    }
