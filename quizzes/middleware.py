"""With `H5P_CONTENT_ORIGIN` set, the content origin's host name points at this application, but
it must serve the packages' files and nothing else: not the site's pages, its sign-in, or its
admin (that host is where uploaded code is allowed to live)."""

from django.conf import settings
from django.http import HttpResponseNotFound


class H5PContentOriginMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        origin = settings.H5P_CONTENT_ORIGIN
        if origin and f"{request.scheme}://{request.get_host()}" == origin and not request.path.startswith("/h5p/"):
            return HttpResponseNotFound(b"Not found", content_type="text/plain")
        return self.get_response(request)
