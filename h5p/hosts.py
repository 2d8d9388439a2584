"""What `h5p` needs of a page that embeds activities (a lesson), without knowing its class: the
page says which activities its live content embeds and whether a visitor may read it. `courses`'
lesson satisfies it structurally, as `progress`' steps do `progress.steps.ProgressStep`."""

from __future__ import annotations

from typing import Protocol, runtime_checkable


@runtime_checkable
class ActivityHost(Protocol):
    def embedded_h5p_activity_ids(self) -> set[int]:
        """The ids of the H5P activities the page's live content embeds."""

    def refuses_h5p_player(self, request) -> bool:
        """Whether the visitor may not read the page, and so may not play its activities."""
