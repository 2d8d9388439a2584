"""H5P addresses. The packages' files have no language in their address (they never change);
the player's reports do, like every page of the site, so that a 404 stays a 404."""

from django.urls import path, re_path

from . import views as h5p

urlpatterns = [
    re_path(r"^h5p/(?P<sha256>[0-9a-f]{64})/(?P<name>.+)$", h5p.h5p_file, name="h5p_file"),
    re_path(r"^h5p/libraries/(?P<set_name>[0-9a-f]{16})/(?P<name>.+)$", h5p.h5p_library_file, name="h5p_library_file"),
]

learner_urlpatterns = [
    path("h5p/play/<int:page_id>/<int:activity_id>/", h5p.h5p_player, name="h5p_player"),
    path("h5p/play/<int:page_id>/<int:activity_id>/statements/", h5p.h5p_statement, name="h5p_statement"),
    path("h5p/play/<int:page_id>/<int:activity_id>/state/", h5p.h5p_state, name="h5p_state"),
]
