from tests.browser import test_every_page as t
from tests.browser.test_every_page import places, signed_in
import pytest
SHOTS = [(t.FOCAL_POINT, "/organizations/{seoul}/people", "people"), (t.HOST, "/declarations/{drafting}", "editor"),
         (t.DELEGATE, "/declarations/{consulted}/versions/2", "review"), (None, "/archive", "archive"),
         (t.HOST, "/declarations/{consulted}/comments", "desk"), (t.HOST, "/", "home")]
@pytest.mark.parametrize("who,path,name", SHOTS)
def test_shot(places, signed_in, who, path, name):
    page = signed_in(who).new_page()
    for size in (t.DESKTOP, t.PHONE):
        page.set_viewport_size(size)
        page.goto(path.format(**places))
        page.screenshot(path=f"/tmp/h4_{name}_{size['width']}.png", full_page=True)
