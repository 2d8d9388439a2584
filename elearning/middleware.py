"""Site-wide response rules that no single view should have to remember."""

from django.utils.cache import add_never_cache_headers


class PrivatePagesMiddleware:
    """Every page answered to someone signed in may show their data (a pupil's progress and
    answers, a class's names on a dashboard): `Cache-Control: no-store, private`, so that neither
    a shared phone's browser cache nor a proxy keeps it after the pupil signs out. Pages for
    visitors are left as they are (cacheable where the view allows)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
