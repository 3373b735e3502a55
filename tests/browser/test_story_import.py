"""Importing a story bank with JavaScript off: choose a CSV file, fix a column's
mapping on the preview, import. Plain forms and redirects all the way."""

from stories.models import Story

CSV = (
    "Title,Situation,Task,Action,Outcome,Themes,Notebook\n"
    "Cut inference cost,GPU spend doubled,Halve it,Quantised the model,"
    '55% cheaper,Conflict with a peer,"=HYPERLINK(""x"")"\n'
)


def test_a_csv_is_previewed_remapped_and_imported_without_javascript(
    no_script_page, alice, tmp_path
):
    page = no_script_page
    bank = tmp_path / "bank.csv"
    bank.write_text(CSV)
    page.goto("/stories/")
    page.get_by_role("link", name="Import stories").click()
    page.get_by_label("Markdown, Word or CSV file").set_input_files(str(bank))
    page.locator("form:has(#import-file)").get_by_role("button", name="Preview").click()
    page.wait_for_url("**/import/preview/")
    assert page.get_by_text('Notebook: =HYPERLINK("x")').is_visible()
    # The last column is notes; make it the Reflection instead.
    page.get_by_label("Notebook").select_option("reflection")
    page.get_by_role("button", name="Update preview").click()
    page.get_by_role("button", name="Import 1 story as drafts").click()
    page.wait_for_url("**/stories/")
    assert page.get_by_text("Imported 1 story as drafts.").is_visible()
    story = Story.objects.get(owner=alice)
    assert (story.title, story.action, story.reflection) == (
        "Cut inference cost",
        "Quantised the model",
        '=HYPERLINK("x")',
    )
    assert [t.title for t in story.themes.all()] == ["Conflict with a peer"]
