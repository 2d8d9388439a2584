"""With `H5P_CONTENT_ORIGIN` set, the packages' files and the site live apart: the content
origin's host name points at this application but serves the files (under /h5p/) and nothing
else, not the site's pages, its sign-in or its admin; the site's own host no longer serves the
files. (The player's reports are under /<language>/h5p/play/, on the site.)"""

from django.conf import settings
from django.http import HttpResponseNotFound


class H5PContentOriginMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        origin = settings.H5P_CONTENT_ORIGIN
        if origin:
            on_content_host = f"{request.scheme}://{request.get_host()}" == origin
            if on_content_host != request.path.startswith("/h5p/"):
                return HttpResponseNotFound(b"Not found", content_type="text/plain")
        return self.get_response(request)
