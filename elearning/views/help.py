from django.shortcuts import render
from django.views.decorators.http import require_GET

from elearning.models import HelplineSettings


@require_GET
def help_page(request):
    """Who to call and what happens then. Reached from the button on every page, so it needs
    no account and works without JavaScript."""
    return render(request, "elearning/help.html", {"helpline": HelplineSettings.load(request_or_site=request)})
