from contextlib import contextmanager

from django.contrib.auth import get_user_model
from django.core.management import call_command

from stories.models import Story, StoryTheme
from themes.models import Playbook

PASSWORD = "correct horse battery staple"


BUILT_IN = ("playbook", "general-software-engineering")


def load_playbook():
    """Load the built-in playbooks unless they are there (loading them again would
    change nothing)."""
    if Playbook.objects.count() < len(BUILT_IN):
        call_command("loaddata", *BUILT_IN, verbosity=0)


@contextmanager
def shared_rows(django_db_blocker):
    """For a class- or module-scoped fixture: the rows made inside stay until the
    fixture ends, then roll back. Each test (`db`) runs in a savepoint inside, so it
    starts from them and leaves them as they were."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


def make_user(username="alice", password=PASSWORD, playbook="ml-computer-vision"):
    """A user who has chosen `playbook` on the welcome screen (None: not yet)."""
    user = get_user_model().objects.create_user(username=username, password=password)
    if playbook:
        # A transactional test before this one (live server, migrations) may have
        # flushed the playbooks with every other table.
        load_playbook()
        Playbook.objects.get(slug=playbook).adopt(user)
    return user


def make_story(owner, themes=(), questions=(), **fields):
    fields.setdefault("title", "Rolled back a drifting detector")
    story = Story.objects.create(owner=owner, **fields)
    for theme in themes:
        StoryTheme.objects.create(story=story, theme=theme)
    story.questions.set(questions)
    return story


def make_job(owner, themes=(), **fields):
    from jobs.models import Job

    fields.setdefault("company", "Acme")
    fields.setdefault("role", "Staff engineer")
    job = Job.objects.create(owner=owner, **fields)
    job.themes.set(themes)
    return job


def make_own_theme(owner, title="Working with regulators", in_set=True):
    from themes.models import Theme

    theme = Theme.objects.create(
        owner=owner, slug=Theme.unique_slug(owner, title), title=title
    )
    if in_set:
        theme.add_to_set(owner)
    return theme


def make_round(job, themes=(), **fields):
    """A round of the job's interview loop, probing `themes`."""
    import datetime

    from loops.models import Round

    fields.setdefault("name", "Hiring manager")
    fields.setdefault("date", datetime.date(2026, 12, 10))
    fields.setdefault("time", datetime.time(14, 0))
    round_ = Round.objects.create(job=job, **fields)
    round_.themes.set(themes)
    return round_
