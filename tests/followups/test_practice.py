"""Practice reaches a story's follow-up ladder: after a round, and from its record."""

from django.urls import reverse

from followups.models import Rung
from practice.scheduling import record_practice
from tests.factories import make_story
from themes.models import SampleQuestion


def test_after_a_round_the_story_told_links_to_its_drill(alice_client, alice, playbook):
    question = SampleQuestion.objects.filter(owner=None).first()
    story = make_story(alice, themes=[question.theme], title="Sharded the queue")
    Rung.add_to(story, "What was your part?", "I chose the key.")
    session, _ = record_practice(alice, question, story, 4, 60)
    html = alice_client.get(reverse("practice:index"), {"told": session.pk})
    html = html.content.decode()
    told = html[html.index('class="story-told') : html.index("</article>")]
    drill = reverse("practice:drill", args=[story.pk])
    assert f'<a href="{drill}">Drill the follow-ups</a>' in told
    page = alice_client.get(drill).content.decode()
    assert "What was your part?" in page and "I chose the key." in page


def test_the_story_practice_record_links_to_its_drill(alice_client, alice, playbook):
    story = make_story(alice, title="Sharded the queue")
    html = alice_client.get(
        reverse("practice:story", args=[story.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<html" not in html
    assert reverse("practice:drill", args=[story.pk]) in html


def test_the_drill_of_a_trashed_story_is_404(alice_client, alice, playbook):
    story = make_story(alice, title="Gone")
    Rung.add_to(story, "Why?", "")
    story.move_to_trash()
    assert (
        alice_client.get(reverse("practice:drill", args=[story.pk])).status_code == 404
    )
