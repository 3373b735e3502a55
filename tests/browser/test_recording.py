import pytest
from playwright.sync_api import expect

from practice.models import PracticeSession
from recordings.models import Recording
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, log_in_by_cookie
from themes.models import SampleQuestion


@pytest.fixture
def microphone_page(browser, live_server, playbook, alice):
    """Alice logged in, in a Chromium whose microphone is a fake device that plays a
    beep, and which grants the microphone without asking."""
    chromium = browser.browser_type.launch(
        executable_path=str(CHROMIUM),
        headless=True,
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
        ],
    )
    context = chromium.new_context(base_url=live_server.url)
    context.set_default_timeout(10_000)
    log_in_by_cookie(context, alice, live_server.url)
    yield context.new_page()
    chromium.close()


def test_an_answer_is_recorded_kept_played_and_its_length_logged(
    microphone_page, alice
):
    page = microphone_page
    question = SampleQuestion.objects.filter(owner=None).order_by("pk").first()
    page.goto(f"/practice/?question={question.pk}")
    expect(page.get_by_text("needs JavaScript")).to_be_hidden()

    page.get_by_role("button", name="Record", exact=True).click()
    stop = page.get_by_role("button", name="Stop recording")
    expect(stop).to_be_focused()
    # About a second and a half of the fake device's beep: a tiny file.
    expect(page.locator("[data-recorder-clock]")).to_have_text("0:01")
    stop.click()
    expect(page.get_by_label("Your new recording, not kept yet")).to_be_visible()
    served = []
    page.on(
        "response",
        lambda response: "/audio/" in response.url and served.append(response.status),
    )
    page.get_by_role("button", name="Keep it").click()

    expect(page.get_by_role("status").filter(has_text="Kept:")).to_be_visible()
    recording = Recording.objects.get(owner=alice)
    assert recording.content_type == "audio/webm"
    assert 1 <= recording.duration_seconds <= 3
    assert recording.size < 50_000
    item = page.locator(f"#recording-{recording.pk}")
    expect(item).to_be_visible()
    # The kept recording plays back from the server.
    player = item.locator("audio")
    player.evaluate("audio => audio.play()")
    page.wait_for_function(
        "audio => audio.currentTime > 0", arg=player.element_handle()
    )
    # The player asked for byte ranges and got them (a 206), which is what lets
    # it seek in a long recording without fetching it from the start.
    assert 206 in served
    page.wait_for_function(
        "audio => audio.seekable.length > 0", arg=player.element_handle()
    )

    # The round is logged with the recording's length, not the clock's.
    page.get_by_role("button", name="I’m done").click()
    expect(page.get_by_label("Seconds you spoke")).to_have_value(
        str(recording.duration_seconds)
    )
    page.get_by_label("3 · OK").check()
    page.get_by_role("button", name="Log this round").click()
    expect(page.get_by_text("Logged: 3/5")).to_be_visible()
    session = PracticeSession.objects.get(owner=alice)
    assert session.duration_seconds == recording.duration_seconds
    recording.refresh_from_db()
    assert recording.session == session
