from django.core.management.base import BaseCommand

from themes import authored, document


class Command(BaseCommand):
    help = (
        "Build the built-in playbooks' fixtures: fixtures/playbook.json from the prep"
        " document, fixtures/general-software-engineering.json from its TOML source."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Fail if stale.")

    def handle(self, *args, check=False, **options):
        playbook = document.build_fixture(document.SOURCE_PATH)
        # Checked against the playbook just built, not the file it may replace.
        general = authored.build_fixture(authored.SOURCE_PATH, other_fixture=playbook)
        fixtures = [(document.FIXTURE_PATH, playbook), (authored.FIXTURE_PATH, general)]
        if check:
            stale = [
                path for path, fixture in fixtures if not is_current(path, fixture)
            ]
            for path in stale:
                self.stderr.write(f"{path} is stale: run `make fixtures`.")
            if stale:
                raise SystemExit(1)
            return
        for path, fixture in fixtures:
            path.write_text(fixture, encoding="utf-8")
            self.stdout.write(f"Wrote {path.relative_to(path.parent.parent)}")


def is_current(path, fixture):
    return path.exists() and path.read_text(encoding="utf-8") == fixture
