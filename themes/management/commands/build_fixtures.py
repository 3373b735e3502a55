from django.core.management.base import BaseCommand

from themes.document import FIXTURE_PATH, SOURCE_PATH, build_fixture


class Command(BaseCommand):
    help = "Parse the prep document and write fixtures/playbook.json."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Fail if stale.")

    def handle(self, *args, check=False, **options):
        fixture = build_fixture(SOURCE_PATH)
        if check:
            if FIXTURE_PATH.read_text(encoding="utf-8") != fixture:
                self.stderr.write(f"{FIXTURE_PATH} is stale: run `make fixtures`.")
                raise SystemExit(1)
            return
        FIXTURE_PATH.write_text(fixture, encoding="utf-8")
        self.stdout.write(
            f"Wrote {FIXTURE_PATH.relative_to(FIXTURE_PATH.parent.parent)}"
        )
