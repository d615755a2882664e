from tests.browser import test_every_page as t
from tests.browser.test_every_page import places, signed_in

def test_shot(places, signed_in):
    page = signed_in(t.HOST).new_page()
    page.set_viewport_size(t.PHONE)
    page.goto("/declarations/{consulted}/comments".format(**places))
    page.get_by_text("Decide on this amendment").click()
    page.locator("details[open]").screenshot(path="/tmp/h4_decide.png")
    page.goto("/declarations/new")
    page.locator("fieldset").screenshot(path="/tmp/h4_layout.png")
    page = signed_in(t.DELEGATE).new_page()
    page.set_viewport_size(t.PHONE)
    page.goto("/declarations/{final}/affirmation".format(**places))
    page.locator("form[method=post]").last.screenshot(path="/tmp/h4_answer.png")
