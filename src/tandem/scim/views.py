"""The SCIM 2.0 endpoints (RFC 7644) under ``/scim/v2/``: bearer-token authenticated, JSON in
SCIM's media type, errors in SCIM's error format. Thin: parse, call a service, render."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from tandem.core.errors import ApplicationError
from tandem.scim import filters, schema
from tandem.scim.models import ScimGroup, ScimToken
from tandem.scim.resources import (
    ResourceError,
    base_url,
    group_version,
    render_group,
    user_version,
)
from tandem.scim.selectors import (
    group_members,
    scim_group,
    scim_groups,
    scim_people,
    scim_person,
)
from tandem.scim.services import groups as group_services
from tandem.scim.services import users as user_services
from tandem.scim.services.tokens import token_for_secret

MEDIA_TYPE = "application/scim+json"
View = Callable[..., HttpResponse]


class ScimRequest(HttpRequest):
    scim_token: ScimToken


def respond(data: Any, status: int = 200, etag: str | None = None) -> HttpResponse:
    response = HttpResponse(json.dumps(data), status=status, content_type=MEDIA_TYPE)
    if etag:
        response["ETag"] = etag
    return response


def error(status: int, detail: str, scim_type: str | None = None) -> HttpResponse:
    body: dict[str, Any] = {"schemas": [schema.ERROR], "status": str(status), "detail": detail}
    if scim_type:
        body["scimType"] = scim_type
    response = respond(body, status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="SCIM"'
    return response


def scim_view(methods: tuple[str, ...]) -> Callable[[View], View]:
    """Bearer token, allowed methods, and every error as a SCIM error (never a 500 page)."""

    def decorate(view: View) -> View:
        @csrf_exempt
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            header = request.headers.get("Authorization", "")
            scheme, _, secret = header.partition(" ")
            token = token_for_secret(secret.strip()) if scheme.lower() == "bearer" else None
            if token is None:
                return error(401, "A valid SCIM bearer token is required.")
            if request.method not in methods:
                return error(405, f"{request.method} is not allowed here.")
            scim_request: Any = request
            scim_request.scim_token = token
            try:
                return view(scim_request, *args, **kwargs)
            except ResourceError as exc:
                return error(400, str(exc), exc.scim_type)
            except filters.FilterError as exc:
                return error(400, str(exc), "invalidFilter")
            except ApplicationError as exc:
                scim_type = "uniqueness" if exc.status == 409 else "invalidValue"
                return error(
                    exc.status, exc.message, scim_type if exc.status in (400, 409) else None
                )

        return wrapped

    return decorate


def _body(request: HttpRequest) -> Any:
    try:
        return json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise ResourceError("The body is not valid JSON.", "invalidSyntax") from None


@dataclass
class Query:
    """List parameters, from the query string (GET) or a SearchRequest body (POST .search)."""

    filter: str = ""
    start: int = 1
    count: int = schema.MAX_RESULTS
    attributes: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)


def _names(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [v.strip() for v in str(value or "").split(",") if v.strip()]


def _query(source: dict[str, Any]) -> Query:
    lowered = {str(k).lower(): v for k, v in source.items()}
    try:
        start = max(1, int(lowered.get("startindex") or 1))
        raw_count: Any = lowered.get("count")
        count = schema.MAX_RESULTS if raw_count is None else int(raw_count)
    except (TypeError, ValueError):
        raise ResourceError("startIndex and count must be whole numbers.") from None
    return Query(
        filter=str(lowered.get("filter") or ""),
        start=start,
        count=min(max(count, 0), schema.MAX_RESULTS),
        attributes=_names(lowered.get("attributes")),
        excluded=_names(lowered.get("excludedattributes")),
    )


def _get_query(request: HttpRequest) -> Query:
    return _query(request.GET.dict())


def _search_query(request: HttpRequest) -> Query:
    body = _body(request)
    if not isinstance(body, dict):
        raise ResourceError("A search body must be a JSON object.", "invalidSyntax")
    return _query(body)


def _precondition(request: HttpRequest, current: str) -> HttpResponse | None:
    expected = request.headers.get("If-Match")
    if (
        expected
        and expected.strip() != "*"
        and current not in [e.strip() for e in expected.split(",")]
    ):
        return error(412, "The resource changed since you read it (ETag mismatch).")
    return None


def _list(query: Query, resources: list[dict[str, Any]], total: int) -> HttpResponse:
    return respond(
        {
            "schemas": [schema.LIST],
            "totalResults": total,
            "startIndex": query.start,
            "itemsPerPage": len(resources),
            "Resources": [_project(query, r) for r in resources],
        }
    )


def _project(query: Query, resource: dict[str, Any]) -> dict[str, Any]:
    """``attributes`` / ``excludedAttributes`` (RFC 7644 §3.4.2.5); ``id`` and ``schemas`` stay."""
    if query.attributes:
        kept: dict[str, Any] = {k: resource[k] for k in ("schemas", "id") if k in resource}
        for path in query.attributes:
            _copy_path(resource, kept, path)
        resource = kept
    for path in query.excluded:
        _drop_path(resource, path)
    return resource


def _split(path: str) -> tuple[str | None, list[str]]:
    lowered = path.lower()
    if lowered.startswith(schema.ENTERPRISE.lower()):
        rest = path[len(schema.ENTERPRISE) :].lstrip(":")
        return schema.ENTERPRISE, [p for p in rest.split(".") if p]
    for urn in (schema.USER, schema.GROUP):
        if lowered.startswith(urn.lower()):
            path = path[len(urn) :].lstrip(":")
    return None, [p for p in path.split(".") if p]


def _find(container: dict[str, Any], name: str) -> str | None:
    return next((k for k in container if k.lower() == name.lower()), None)


def _copy_path(source: dict[str, Any], target: dict[str, Any], path: str) -> None:
    urn, parts = _split(path)
    if urn is not None:
        ext = source.get(urn)
        if not isinstance(ext, dict):
            return
        if not parts:
            target[urn] = ext
            return
        source, target = ext, target.setdefault(urn, {})
    if not parts:
        return
    key = _find(source, parts[0])
    if key is None:
        return
    if len(parts) == 1 or not isinstance(source[key], dict):
        target[key] = source[key]
    else:
        sub = _find(source[key], parts[1])
        if sub is not None:
            target.setdefault(key, {})[sub] = source[key][sub]


def _drop_path(resource: dict[str, Any], path: str) -> None:
    urn, parts = _split(path)
    container = resource.get(urn) if urn else resource
    if not isinstance(container, dict):
        return
    if urn and not parts:
        resource.pop(urn, None)
        return
    key = _find(container, parts[0]) if parts else None
    if key is None or key in ("id", "schemas"):
        return
    if len(parts) == 1:
        container.pop(key)
    elif isinstance(container[key], dict):
        sub = _find(container[key], parts[1])
        if sub is not None:
            container[key].pop(sub)


# --- discovery ---------------------------------------------------------------------------------


@scim_view(("GET",))
def service_provider_config(request: ScimRequest) -> HttpResponse:
    docs = request.build_absolute_uri("/")  # the README's SCIM section ships with the install
    return respond(schema.service_provider_config(base_url(), docs))


def _whole_list(items: list[dict[str, Any]]) -> HttpResponse:
    """A ListResponse that holds every item (the discovery endpoints are never paged)."""
    return respond(
        {
            "schemas": [schema.LIST],
            "totalResults": len(items),
            "startIndex": 1,
            "itemsPerPage": len(items),
            "Resources": items,
        }
    )


@scim_view(("GET",))
def resource_types(request: ScimRequest) -> HttpResponse:
    items = schema.resource_types(base_url())
    return _whole_list(items)


@scim_view(("GET",))
def resource_type(request: ScimRequest, name: str) -> HttpResponse:
    found = next((r for r in schema.resource_types(base_url()) if r["id"] == name), None)
    return respond(found) if found else error(404, f"No resource type {name!r}.")


@scim_view(("GET",))
def schemas(request: ScimRequest) -> HttpResponse:
    items = schema.schemas(base_url())
    return _whole_list(items)


@scim_view(("GET",))
def schema_detail(request: ScimRequest, urn: str) -> HttpResponse:
    found = next((s for s in schema.schemas(base_url()) if s["id"] == urn), None)
    return respond(found) if found else error(404, f"No schema {urn!r}.")


# --- users -------------------------------------------------------------------------------------


@scim_view(("GET", "POST"))
def users(request: ScimRequest) -> HttpResponse:
    if request.method == "POST":
        person = user_services.scim_user_create(token=request.scim_token, body=_body(request))
        resource = user_services.user_resource(person)
        response = respond(resource, 201, resource["meta"]["version"])
        response["Location"] = resource["meta"]["location"]
        return response
    return _user_list(_get_query(request))


@scim_view(("POST",))
def users_search(request: ScimRequest) -> HttpResponse:
    return _user_list(_search_query(request))


def _user_list(query: Query) -> HttpResponse:
    people: QuerySet[Any] = scim_people()
    if query.filter:
        people = people.filter(filters.to_q(query.filter, filters.USER_FIELDS)).distinct()
    total = people.count()
    start, count = query.start, query.count
    page = (
        list(people.prefetch_related("scim_groups")[start - 1 : start - 1 + count]) if count else []
    )
    resources = [
        user_services.render_user(p, getattr(p, "scim", None), list(p.scim_groups.all()))
        for p in page
    ]
    return _list(query, resources, total)


@scim_view(("GET", "PUT", "PATCH", "DELETE"))
def user(request: ScimRequest, resource_id: str) -> HttpResponse:
    person = scim_person(resource_id)
    if person is None:
        return error(404, f"No user {resource_id!r}.")
    scim = getattr(person, "scim", None)
    if request.method != "GET":
        refused = _precondition(request, user_version(person, scim))
        if refused is not None:
            return refused
    token = request.scim_token
    if request.method == "DELETE":
        user_services.scim_user_delete(token=token, person=person)
        return HttpResponse(status=204)
    if request.method == "PUT":
        person = user_services.scim_user_replace(token=token, person=person, body=_body(request))
    elif request.method == "PATCH":
        person = user_services.scim_user_patch(token=token, person=person, body=_body(request))
    fresh = scim_person(str(person.pk))
    assert fresh is not None
    resource = user_services.user_resource(fresh)
    if (
        request.method == "GET"
        and request.headers.get("If-None-Match") == resource["meta"]["version"]
    ):
        return HttpResponse(status=304)
    return respond(_project(_get_query(request), resource), 200, resource["meta"]["version"])


# --- groups ------------------------------------------------------------------------------------


def _group_resource(query: Query, group: ScimGroup) -> dict[str, Any]:
    skip = "members" in [a.lower() for a in query.excluded] or (
        query.attributes and "members" not in [a.lower() for a in query.attributes]
    )
    return render_group(group, None if skip else group_members(group))


@scim_view(("GET", "POST"))
def groups(request: ScimRequest) -> HttpResponse:
    if request.method == "POST":
        group = group_services.scim_group_create(token=request.scim_token, body=_body(request))
        resource = render_group(group, group_members(group))
        response = respond(resource, 201, resource["meta"]["version"])
        response["Location"] = resource["meta"]["location"]
        return response
    return _group_list(_get_query(request))


@scim_view(("POST",))
def groups_search(request: ScimRequest) -> HttpResponse:
    return _group_list(_search_query(request))


def _group_list(query: Query) -> HttpResponse:
    found = scim_groups()
    if query.filter:
        found = found.filter(filters.to_q(query.filter, filters.GROUP_FIELDS)).distinct()
    total = found.count()
    page = list(found[query.start - 1 : query.start - 1 + query.count]) if query.count else []
    return _list(query, [_group_resource(query, g) for g in page], total)


@scim_view(("GET", "PUT", "PATCH", "DELETE"))
def group(request: ScimRequest, resource_id: str) -> HttpResponse:
    found = scim_group(resource_id)
    if found is None:
        return error(404, f"No group {resource_id!r}.")
    if request.method != "GET":
        refused = _precondition(request, group_version(found))
        if refused is not None:
            return refused
    token = request.scim_token
    if request.method == "DELETE":
        group_services.scim_group_delete(token=token, group=found)
        return HttpResponse(status=204)
    if request.method == "PUT":
        found = group_services.scim_group_replace(token=token, group=found, body=_body(request))
    elif request.method == "PATCH":
        found = group_services.scim_group_patch(token=token, group=found, body=_body(request))
    query = _get_query(request)
    resource = _group_resource(query, found)
    return respond(_project(query, resource), 200, resource["meta"]["version"])


@scim_view(("POST",))
def root_search(request: ScimRequest) -> HttpResponse:
    return error(
        501, "Search Users/.search or Groups/.search; one search over both is not offered."
    )


@csrf_exempt
def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    return error(404, "There is no such SCIM endpoint.")
