from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from django.views.i18n import set_language
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from courses import routing
from elearning.views.health import healthz
from elearning.views.help import help_page
from elearning.views.manifest import manifest
from elearning.views.offline import offline_pass, offline_send
from elearning.views.service_worker import offline_page, service_worker
from h5p.urls import learner_urlpatterns

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # The service worker, at the root so that its scope is the whole site.
    path("sw.js", service_worker, name="service_worker"),
    path("i18n/setlang/", set_language, name="set_language"),
    # Staff sign in through allauth too, so its rate limits and two-factor step apply.
    path("admin/login/", RedirectView.as_view(pattern_name="account_login", query_string=True)),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # The H5P packages' files: no language in their addresses.
    path("", include("h5p.urls")),
]

urlpatterns += i18n_patterns(
    path("accounts/", include("allauth.urls")),
    path("help/", help_page, name="help"),
    path("manifest.webmanifest", manifest, name="manifest"),
    path("offline/pass/", offline_pass, name="offline_pass"),
    path("offline/send/", offline_send, name="offline_send"),
    path("offline/", offline_page, name="offline_page"),
    path("", include("schools.urls")),
    path("", include("certificates.urls")),
    path("", include(learner_urlpatterns)),
    path("", include("courses.urls")),
    # Wagtail's pages, with each address's page looked up in the content cache (courses.routing).
    re_path(r"^((?:[\w\-]+/)*)$", routing.serve, name="wagtail_serve"),
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns = static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT) + urlpatterns

# The site's own error pages (elearning.views.errors): translated, and drawn without the database.
handler400 = "elearning.views.errors.bad_request"
handler403 = "elearning.views.errors.permission_denied"
handler404 = "elearning.views.errors.page_not_found"
handler500 = "elearning.views.errors.server_error"
