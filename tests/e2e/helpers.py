"""Small helpers shared by the browser tests."""
import os
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs"


def save_doc_screenshot(page_or_locator, name, **kwargs):
    """Refreshes docs/<name> when UPDATE_SCREENSHOTS=1; otherwise tests leave the tracked images alone."""
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        page_or_locator.screenshot(path=str(DOCS / name), **kwargs)
