from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(
        request,
        "ui/error.html",
        {"title": "Not allowed", "message": "Your role does not give access to this page."},
        status=403,
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(
        request,
        "ui/error.html",
        {"title": "Not found", "message": "This page does not exist, or it is not yours to see."},
        status=404,
    )


def server_error(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "ui/error.html",
        {
            "title": "Something went wrong",
            "message": "The error is logged. Nothing you sent was half-saved; please try again.",
        },
        status=500,
    )
