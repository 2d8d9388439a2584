"""The demo activity, "Spot the risk": a content type written for this project (its library is in
`h5p/library/`), packaged by pyh5p from its content in `h5p/demo_content/`. Offline: the only
library store is the project's folder, and pyh5p never fetches. Placing it in a lesson is the
curriculum loader's business (`courses.demo.load_h5p_demo`)."""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).parent
DEMO_TITLES = {"vi": "Tìm tin nhắn không an toàn", "en": "Spot the risk"}


def demo_content(language: str) -> dict:
    return json.loads((HERE / "demo_content" / f"spot_the_risk.{language}.json").read_text(encoding="utf-8"))


def demo_package(language: str) -> bytes:
    import pyh5p

    built = pyh5p.build(
        "H5P.SpotTheRisk",
        demo_content(language),
        store=pyh5p.LibraryStore(HERE / "library"),
        fetch=False,
        title=DEMO_TITLES[language],
        language=language,
        metadata={"license": "U", "defaultLanguage": language},
    )
    return built.package_bytes()


def demo_max_score(language: str) -> int:
    """One point per message rightly judged: the maximum the player must report."""
    return len(demo_content(language)["messages"])
