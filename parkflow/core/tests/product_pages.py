"""What every error page of the product looks like, for the tests of any app: the product's own
page in Chinese with a way home, never Django's debug page with its list of URL patterns."""

DEVELOPER_TEXT = ("URLconf", "Using the URLconf", "Traceback", "DEBUG = True", "technical")


def assert_product_page(response, status, heading):
    assert response.status_code == status
    html = response.content.decode()
    assert heading in html
    assert "ParkFlow" in html and 'href="/"' in html
    for text in DEVELOPER_TEXT:
        assert text not in html, text
