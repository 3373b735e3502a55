from themes.models import Guideline, NegotiationNote, Theme


def test_themes_with_guidance_bring_their_prompts_and_points_in_three_queries(
    playbook, django_assert_num_queries
):
    # The themes, their STAR prompts, their points.
    with django_assert_num_queries(3):
        themes = list(
            Theme.objects.filter(playbook__slug="ml-computer-vision").with_guidance()
        )
        prompts = [p for t in themes for p in t.star_prompts.all()]
        points = [p for t in themes for p in t.points.all()]
    assert len(themes) == 5
    assert [p.section for p in themes[0].star_prompts.all()] == [
        "situation",
        "task",
        "action",
        "result",
    ]
    assert prompts and points


def test_document_lines_are_known_by_their_position(playbook):
    for model in (Guideline, NegotiationNote):
        first = model.objects.first()
        assert first.position == 1
        assert str(first) == first.text
        assert model.objects.get_by_natural_key(*first.natural_key()) == first
