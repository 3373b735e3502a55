from playwright.sync_api import expect

from stories.models import Story
from tests.factories import make_story
from themes.models import Theme


def test_the_coach_flags_a_result_without_a_number_and_clears_it(logged_in_page, alice):
    page = logged_in_page
    story = make_story(
        alice,
        themes=[Theme.objects.get(playbook__slug="ml-computer-vision", number=1)],
        action="I profiled the decoder and replaced the upsampler.",
        result="It is 60% faster.",
    )
    page.goto(f"/stories/{story.pk}/coach/")
    flag = page.locator('#coach-panel [data-rule="result_number"]')
    expect(flag).to_have_count(0)

    result = page.get_by_role("textbox", name="Result")
    result.fill("It got much faster.")
    expect(flag).to_be_visible()
    expect(flag).to_contain_text("It got much faster.")
    expect(flag).to_contain_text("Numbers and outcomes matter.")
    # Typing goes on while the panel updates: focus stays in the field.
    expect(result).to_be_focused()

    result.press_sequentially(" From 8 to 34 FPS.", delay=20)
    expect(flag).to_have_count(0)
    expect(page.locator('[data-strength="result_number"]')).to_contain_text(
        "From 8 to 34 FPS."
    )
    # The coach only reads: the story is as it was.
    assert Story.objects.get(pk=story.pk).result == "It is 60% faster."


def test_in_the_editor_the_coach_flags_a_result_without_a_number_and_clears_it(
    logged_in_page, alice
):
    page = logged_in_page
    story = make_story(
        alice,
        themes=[Theme.objects.get(playbook__slug="ml-computer-vision", number=1)],
        action="I profiled the decoder and replaced the upsampler.",
        result="It is 60% faster.",
    )
    page.goto(f"/stories/{story.pk}/")
    # The slot loads the panel by itself, beside the editor's form.
    panel = page.locator("#coach-panel")
    expect(panel.get_by_role("heading", name="Coach", exact=True)).to_be_visible()
    expect(panel.locator('[data-strength="result_number"]')).to_contain_text("60%")
    flag = panel.locator('[data-rule="result_number"]')
    expect(flag).to_have_count(0)

    result = page.get_by_role("textbox", name="Result", exact=True)
    result.fill("It got much faster.")
    expect(flag).to_be_visible()
    expect(flag).to_contain_text("It got much faster.")
    # The panel updates as the user types: focus stays in the editor's field.
    expect(result).to_be_focused()

    result.press_sequentially(" From 8 to 34 FPS.", delay=20)
    expect(flag).to_have_count(0)
    expect(
        page.locator('#coach-panel [data-strength="result_number"]')
    ).to_contain_text("From 8 to 34 FPS.")
    expect(result).to_have_value("It got much faster. From 8 to 34 FPS.")
