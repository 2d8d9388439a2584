"""The Wagtail admin's list of statements the Learning Record Store has not taken and that are no
longer tried (dead letters, `h5p.lrs`), under Reports: read-only for whoever may view LRS
deliveries (superusers; a group given "Can view LRS delivery"); putting them back in the queue
(selected, or all) needs "Can change LRS delivery", and is written to the audit log."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from . import selectors, services

VIEW_PERMISSION = "h5p.view_lrsdelivery"
CHANGE_PERMISSION = "h5p.change_lrsdelivery"
PER_PAGE = 50


@require_GET
def lrs_dead_letters(request):
    if not request.user.has_perm(VIEW_PERMISSION):
        raise PermissionDenied
    page = Paginator(selectors.lrs_dead_letters(), PER_PAGE).get_page(request.GET.get("p"))
    context = {
        "page": page,
        "counts": selectors.lrs_counts(),
        "forwarding_on": bool(settings.LRS_ENDPOINT),
        "max_attempts": settings.LRS_MAX_ATTEMPTS,
        "may_retry": request.user.has_perm(CHANGE_PERMISSION),
        "page_title": _("Statements not sent to the Learning Record Store"),
        "header_icon": "warning",
    }
    return TemplateResponse(request, "h5p/admin/lrs_dead_letters.html", context)


@require_POST
def lrs_retry(request):
    """Put the ticked dead letters (`action=selected`) or all of them (`action=all`) back in the
    queue."""
    if not request.user.has_perm(CHANGE_PERMISSION):
        raise PermissionDenied
    here = redirect("h5p_lrs_dead_letters")
    if request.POST.get("action") == "all":
        pks = None
    else:
        pks = [int(value) for value in request.POST.getlist("delivery") if value.isdigit()]
        if not pks:
            messages.warning(request, _("Tick the statements to send again, or choose “Send all again”."))
            return here
    count = services.lrs_deliveries_retry(by=request.user, pks=pks)
    if count:
        messages.success(
            request,
            ngettext(
                "%(count)s statement will be sent to the LRS again.",
                "%(count)s statements will be sent to the LRS again.",
                count,
            )
            % {"count": count},
        )
    else:
        messages.info(request, _("There was nothing to send again."))
    return here
