"""What a lesson needs of an interactive activity it embeds (today an H5P activity, `h5p`'s
`H5PActivity`, which satisfies this structurally: `courses` names its model only as the
snippet chooser's target, and never reaches into it beyond this)."""

from __future__ import annotations

from typing import Protocol, runtime_checkable


class ActivityResult(Protocol):
    best_percent: float | None
    attempts: int
    completed: bool


@runtime_checkable
class EmbeddedActivity(Protocol):
    pk: int
    title: str

    def is_playable(self) -> bool:
        """Whether it can be played on the site at all (its files are there)."""

    def player(self, *, request, page) -> dict:
        """How the lesson frames its player: `src`, `title`, `activity` (an id), `playable`."""

    def result_for(self, learner) -> ActivityResult | None:
        """The learner's standing on it, shown beside the player."""

    def passed_by(self, learner, *, pass_mark_percent: int) -> bool:
        """Whether the learner completed it at the pass mark (a lesson's requirement)."""
