"""The browser both e2e modules drive: Debian's Chromium through Playwright, one per module."""

import pytest

from parkflow.e2e.test_browser import CHROMIUM, CHROMIUM_ARGS, _require_chromium


@pytest.fixture(scope="module")
def browser():
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield chromium
        finally:
            chromium.close()
