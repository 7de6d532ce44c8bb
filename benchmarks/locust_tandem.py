"""Locust users for the load benchmark (``benchmarks/bench_load.py``, case ``load_pg``).

Not run on its own: the benchmark writes a plan (who signs in, their relationship, meeting, goal,
survey; the coordinators' program and match run) to the JSON file named by ``TANDEM_LOAD_PLAN``,
starts ``locust --headless`` with this file against a gunicorn on 127.0.0.1, and reads every
response time back from ``TANDEM_LOAD_SAMPLES`` (written when locust quits). Requests are named
``"<role> <page>"`` so the benchmark can report percentiles per page and per role.

Each simulated person signs in for real (the login form, CSRF and all), then clicks through their
pages with 1–3 s of reading between clicks. ``TANDEM_LOAD_MAX_REQUESTS`` bounds the requests.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import time
from pathlib import Path
from typing import Any

import gevent
from locust import HttpUser, between, events, task

PLAN: dict[str, Any] = json.loads(Path(os.environ["TANDEM_LOAD_PLAN"]).read_text(encoding="utf-8"))
MAX_REQUESTS = int(os.environ.get("TANDEM_LOAD_MAX_REQUESTS", "20000"))
SAMPLES: list[tuple[float, str, float, str]] = []  # (epoch time, name, ms, error or '')
_next_participant = itertools.count()
_next_coordinator = itertools.count()
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@events.request.add_listener
def _record(name: str, response_time: float, exception: Any, **_: Any) -> None:
    failed = str(exception)[:160] if exception is not None else ""
    SAMPLES.append((time.time(), name, float(response_time), failed))
    if len(SAMPLES) >= MAX_REQUESTS:
        runner = _record.environment.runner  # type: ignore[attr-defined]
        if runner is not None:
            runner.quit()


@events.init.add_listener
def _keep_environment(environment: Any, **_: Any) -> None:
    _record.environment = environment  # type: ignore[attr-defined]


STEADY_SECONDS = float(os.environ.get("TANDEM_LOAD_STEADY_SECONDS", "60"))
STATE: dict[str, Any] = {"signed_in": 0, "steady_from": None, "steady_to": None}


def _signed_in(environment: Any) -> None:
    """Once every simulated person has signed in, measure for STEADY_SECONDS, then stop."""
    STATE["signed_in"] += 1
    if STATE["signed_in"] == environment.parsed_options.num_users:
        STATE["steady_from"] = time.time()

        def stop() -> None:
            STATE["steady_to"] = time.time()
            environment.runner.quit()

        gevent.spawn_later(STEADY_SECONDS, stop)


@events.quitting.add_listener
def _dump(**_: Any) -> None:
    with open(os.environ["TANDEM_LOAD_SAMPLES"], "w", encoding="utf-8") as out:
        json.dump({"samples": SAMPLES, **STATE}, out)


class TandemUser(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    role = ""

    def sign_in(self, email: str) -> None:
        page = self.client.get("/accounts/login/", name=f"{self.role} sign-in form")
        token = TOKEN.search(page.text)
        data = {
            "email": email,
            "password": PLAN["password"],
            "csrfmiddlewaretoken": token.group(1) if token else "",
        }
        with self.client.post(
            "/accounts/login/",
            data=data,
            name=f"{self.role} sign-in",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"sign-in answered {response.status_code}")
        _signed_in(self.environment)

    def page(self, path: str, label: str) -> Any:
        return self.client.get(path, name=f"{self.role} {label}")


class Participant(TandemUser):
    """Home, their relationship, a meeting, logging it, a goal, their survey."""

    weight = 4
    role = "participant"

    def on_start(self) -> None:
        people = PLAN["participants"]
        self.me = people[next(_next_participant) % len(people)]
        self.sign_in(self.me["email"])

    @task(4)
    def home(self) -> None:
        self.page("/", "/")

    @task(3)
    def relationship(self) -> None:
        self.page(f"/relationships/{self.me['relationship']}/", "/relationships/{id}/")

    @task(2)
    def meeting(self) -> None:
        self.page(self._meeting(), "/relationships/{id}/meetings/{id}/")

    @task(1)
    def log_meeting(self) -> None:
        page = self.page(self._meeting(), "/relationships/{id}/meetings/{id}/")
        token = TOKEN.search(page.text)
        data = {
            "csrfmiddlewaretoken": token.group(1) if token else "",
            "topic_0": "Preparing the quarterly review",
            "by_0": str(self.me["person"]),
            "takeaways": "Start from the customer's question, not the slides.",
            "next_steps": "Draft the outline before the next meeting.",
        }
        with self.client.post(
            self._meeting() + "log/",
            data=data,
            name=f"{self.role} log a meeting (POST)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:  # the form again means it was refused
                response.failure(f"log answered {response.status_code}")

    @task(1)
    def goal(self) -> None:
        path = f"/relationships/{self.me['relationship']}/goals/{self.me['goal']}/"
        self.page(path, "/relationships/{id}/goals/{id}/")

    @task(1)
    def survey(self) -> None:
        self.page(f"/feedback/{self.me['survey']}/", "/feedback/{id}/")

    def _meeting(self) -> str:
        return f"/relationships/{self.me['relationship']}/meetings/{self.me['meeting']}/"


class Coordinator(TandemUser):
    """Program desk, relationship health, dashboard, match run review, KPI export."""

    weight = 1
    role = "coordinator"

    def on_start(self) -> None:
        desks = PLAN["coordinators"]
        self.desk = desks[next(_next_coordinator) % len(desks)]
        self.sign_in(self.desk["email"])

    @task(3)
    def program_desk(self) -> None:
        self.page(f"/programs/{self.desk['program']}/", "/programs/{id}/")

    @task(2)
    def health(self) -> None:
        self.page(
            f"/relationships/programs/{self.desk['program']}/health/",
            "/relationships/programs/{id}/health/",
        )

    @task(2)
    def dashboard(self) -> None:
        self.page(f"/insights/programs/{self.desk['program']}/", "/insights/programs/{id}/")

    @task(1)
    def run_review(self) -> None:
        self.page(f"/matches/runs/{self.desk['run']}/", "/matches/runs/{id}/")

    @task(1)
    def export(self) -> None:
        self.page(
            f"/insights/programs/{self.desk['program']}/export.csv",
            "/insights/programs/{id}/export.csv",
        )
