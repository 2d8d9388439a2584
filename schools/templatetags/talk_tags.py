"""The discreet notice of pupils who asked to talk, on a teacher's home and class dashboard:
`{% load talk_tags %}{% talk_notices %}` (or `{% talk_notices classroom %}` for one class). A tag,
so that the pages that show it need nothing from their views; one query (selectors.talk_notices)."""

from django import template

from .. import selectors
from ..models import TALK_WAITING_DAYS

register = template.Library()


@register.inclusion_tag("schools/talk/notices.html", takes_context=True)
def talk_notices(context, classroom=None):
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    notices = selectors.talk_notices(user=user, classroom=classroom) if user is not None else []
    return {
        "notices": notices,
        "urgent": any(notice.request.urgent for notice in notices),
        "waiting_days": TALK_WAITING_DAYS,
    }
