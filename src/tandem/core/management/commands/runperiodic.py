from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tandem.core.periodic import registered_jobs, run_due_jobs


class Command(BaseCommand):
    help = "Run the periodic jobs that are due (reminders, expiries, clean-ups). Safe to run twice."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="run every job now, due or not")
        parser.add_argument("--job", action="append", help="run only this job (repeatable)")
        parser.add_argument("--list", action="store_true", help="list the registered jobs")

    def handle(self, *args: Any, **options: Any) -> None:
        jobs = registered_jobs()
        if options["list"]:
            for job in jobs:
                self.stdout.write(f"{job.name:40} every {job.every}  {job.description}")
            return
        unknown = set(options["job"] or []) - {job.name for job in jobs}
        if unknown:
            names = ", ".join(job.name for job in jobs)
            raise CommandError(f"unknown job {', '.join(sorted(unknown))}; registered: {names}")
        outcomes = run_due_jobs(force=options["force"], only=options["job"])
        failed = [o for o in outcomes if not o.ok]
        for outcome in outcomes:
            if not outcome.ran:
                status = "not due"
            elif outcome.ok:
                status = f"ok ({outcome.result})" if outcome.result is not None else "ok"
            else:
                status = f"FAILED: {outcome.error}"
            self.stdout.write(f"{outcome.name}: {status}")
        if failed:
            raise CommandError(f"{len(failed)} periodic job(s) failed; see the log for details")
