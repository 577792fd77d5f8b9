"""`sakme demo generate|load|serve`: the synthetic population and the demo system."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sakme.accounts.actors import SYSTEM
from sakme.demo import services
from sakme.demo.activities import demo_activities_load
from sakme.demo.assistance import demo_applications_load
from sakme.demo.casework import demo_cases_load
from sakme.demo.emergency import USERNAME as EMERGENCY_USER
from sakme.demo.emergency import demo_emergency_access_load
from sakme.demo.generator import generate
from sakme.demo.outreach import demo_outreach_load
from sakme.demo.staff import demo_group_sessions_load, demo_staff_load
from sakme.demo.surveys import demo_surveys_load
from sakme.demo.training import demo_training_load
from sakme.indicators.services import indicators_compute

GUNICORN_CONFIG = Path(settings.BASE_DIR) / "deploy" / "gunicorn.conf.py"


class Command(BaseCommand):
    help = "Generate the demo population, load the demo, or serve it with its background worker."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        gen = sub.add_parser("generate", help="write the SSA and Worknet exports and the linkage truth")
        gen.add_argument("--persons", type=int, default=20000)
        gen.add_argument("--seed", type=int, default=2026)
        gen.add_argument("--worknet", type=int, default=None, help="Worknet rows (default: persons / 10)")
        gen.add_argument("--overlap", type=float, default=0.7, help="share of Worknet rows that are SSA persons")
        gen.add_argument("--out", type=Path, default=Path("var/demo/generated"))
        load = sub.add_parser("load", help="migrate, load reference data and the population, create demo users")
        load.add_argument("--persons", type=int, default=20000)
        load.add_argument("--seed", type=int, default=2026)
        load.add_argument("--cases", type=int, default=None, help="job seekers with case histories (default: 1 in 10)")
        serve = sub.add_parser("serve", help="serve on 127.0.0.1 with the background worker")
        serve.add_argument("--port", type=int, default=8000)

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['action']}")(options)

    def _generate(self, options: dict[str, Any]) -> None:
        try:
            files = generate(options["out"], persons=options["persons"], seed=options["seed"],
                             worknet=options["worknet"], overlap=options["overlap"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        for name, path in files.items():
            self.stdout.write(f"{name}: {path}")

    def _load(self, options: dict[str, Any]) -> None:
        call_command("migrate", verbosity=0)
        counts = services.demo_reference_load()
        self.stdout.write("reference data: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
        services.demo_population_load(persons=options["persons"], seed=options["seed"], log=self.stdout.write)
        if linked := services.demo_linkage_run():
            self.stdout.write(f"linkage of SSA and Worknet: {linked.get_status_display()} — "
                              f"{linked.counts.get('auto_accepted', 0)} linked, {linked.counts.get('review', 0)} "
                              f"for review")
        credentials = services.demo_users_create()
        if undone := services.demo_merge_undone():
            self.stdout.write(f"a merge undone by the data steward: persons {undone.survivor_id} and "
                              f"{undone.merged_id}")
        if staff := demo_staff_load(seed=options["seed"]):
            self.stdout.write(f"counsellors of the other units: {staff}")
        demo_activities_load()  # who of the staff attended the programme's trainings, and this year's activities
        programmes = demo_training_load(seed=options["seed"])  # first: cases that ended in training were referred
        if programmes:
            self.stdout.write(f"training programmes: {programmes}")
        made = demo_cases_load(cases=options["cases"] or options["persons"] // 10, seed=options["seed"])
        if made:
            self.stdout.write(f"case histories: {made}")
        if sessions := demo_group_sessions_load(seed=options["seed"]):
            self.stdout.write(f"group sessions: {sessions}")
        if applications := demo_applications_load(seed=options["seed"]):
            self.stdout.write(f"social-assistance applications of the demo unit: {applications}")
        if reached := demo_outreach_load(seed=options["seed"]):
            self.stdout.write(f"outreach campaign of the demo unit: {reached} persons")
        if surveys := demo_surveys_load(seed=options["seed"]):  # after the events they are about
            self.stdout.write(f"satisfaction surveys typed in: {surveys}")
        if demo_emergency_access_load(credentials["counsellor"]):
            self.stdout.write(f"an opening from outside the unit, by {EMERGENCY_USER} (the counsellor's password)")
        run = indicators_compute(actor=SYSTEM)
        self.stdout.write(f"indicators: {run.values_count} figures for {run.year_from}–{run.year_to}")
        self.stdout.write(self.style.SUCCESS("\nDemo users (user name / password):"))
        for username, password in credentials.items():
            self.stdout.write(f"  {username:<24} {password}")
        self.stdout.write("Two-factor authentication is not enforced in the demo.\n")

    def _serve(self, options: dict[str, Any]) -> None:
        """Serve as production does (docs/deploy.md): gunicorn with the repository's configuration, static files
        collected for whitenoise, the task worker beside it; plain http on 127.0.0.1 (run without SAKME_DEBUG)."""
        call_command("collectstatic", interactive=False, verbosity=0)
        env = {**os.environ, "SAKME_BIND": f"127.0.0.1:{options['port']}"}
        # Ctrl-C, and a stop from outside (SIGTERM), end both processes; also when started in the background, where
        # the shell has SIGINT ignored.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.default_int_handler)
        worker = subprocess.Popen([sys.executable, "-m", "sakme.cli", "db_worker", "--no-reload"], env=env)
        self.stdout.write(f"background worker started (pid {worker.pid})")
        web = subprocess.Popen([sys.executable, "-m", "gunicorn", "--config", str(GUNICORN_CONFIG)], env=env)
        self.stdout.write(f"serving on http://127.0.0.1:{options['port']}/ (gunicorn, pid {web.pid}); Ctrl-C stops")
        try:
            web.wait()
        except KeyboardInterrupt:
            pass
        finally:
            for process in (web, worker):
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
            for process in (web, worker):
                try:
                    process.wait(timeout=40)  # gunicorn lets requests in flight finish (graceful_timeout 30 s)
                except subprocess.TimeoutExpired:
                    process.kill()
