from django.contrib.auth import get_user_model

from stories.models import Story, StoryTheme

PASSWORD = "correct horse battery staple"


def make_user(username="alice", password=PASSWORD):
    return get_user_model().objects.create_user(username=username, password=password)


def make_story(owner, themes=(), questions=(), **fields):
    fields.setdefault("title", "Rolled back a drifting detector")
    story = Story.objects.create(owner=owner, **fields)
    for theme in themes:
        StoryTheme.objects.create(story=story, theme=theme)
    story.questions.set(questions)
    return story


def forget_cached_pages():
    """Empty the page cache, for a test that changes data behind the views' backs
    (bulk_create, QuerySet.update) and then wants the page rendered again."""
    from django.conf import settings
    from django.core.cache import caches

    caches[settings.PAGE_CACHE_ALIAS].clear()
