"""Which Content-Security-Policy a response gets (django-csp builds and sends the header).

Three kinds of document, three policies, all in the settings:

- every page of the site: `CONTENT_SECURITY_POLICY`, strict (no inline script or style, no
  eval; scripts, styles, fonts and pictures from the site only);
- the H5P player, a document of its own framed by the lesson: `CONTENT_SECURITY_POLICY_H5P_PLAYER`,
  the narrowest that real H5P content runs under, plus what the package's own libraries need of
  `CONTENT_SECURITY_POLICY_H5P_PLAYER_NEEDS` and nothing more (see the settings for why);
- the Wagtail admin: `CONTENT_SECURITY_POLICY_ADMIN`, the site's policy with what Wagtail's own
  editing screens need and nothing else.

A view asks for the player's policy by setting `response.csp_policy = "h5p_player"`, so that the
choice stays beside the view that needs it. Wagtail's preview of a page gets the site's policy,
framed by the admin's preview panel."""

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.urls import reverse

H5P_PLAYER = "h5p_player"


def _merged(updates) -> dict[str, list[str]]:
    merged: dict[str, list[str]] = {}
    for update in updates:
        for directive, sources in update.items():
            merged.setdefault(directive, []).extend(sources)
    return merged


class PolicyMiddleware(CSPMiddleware):
    def __init__(self, get_response):
        super().__init__(get_response)
        self.admin_prefix = None

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if report_only:
            return parts
        if getattr(request, "is_dummy", False):
            # Wagtail's preview of a page: the page's own request, run through the middleware
            # inside the admin's preview view, whose panel frames it.
            parts.replace = {"frame-ancestors": ["'self'"]}
        elif getattr(response, "csp_policy", None) == H5P_PLAYER:
            parts.config = settings.CONTENT_SECURITY_POLICY_H5P_PLAYER["DIRECTIVES"]
            # Only a package whose libraries need more gets more (`H5PActivity.player_needs`).
            parts.update = _merged(
                settings.CONTENT_SECURITY_POLICY_H5P_PLAYER_NEEDS[need]
                for need in sorted(getattr(response, "csp_player_needs", ()))
            )
        elif request.path_info.startswith(self._admin_prefix()):
            parts.config = settings.CONTENT_SECURITY_POLICY_ADMIN["DIRECTIVES"]
        return parts

    def _admin_prefix(self) -> str:
        if self.admin_prefix is None:
            # /admin/ never changes while the process runs; resolving it once is enough.
            self.admin_prefix = reverse("wagtailadmin_home")
        return self.admin_prefix
