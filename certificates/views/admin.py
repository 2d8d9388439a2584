"""The Wagtail admin for certificates: the list with filters, a certificate's page, revoking
with a reason, rendering the PDF again, and ZIP exports built by a task. Certificates are
never created or edited here: they are issued by `certificates.services` when a course is
completed, and what they certify is frozen."""

from __future__ import annotations

from collections.abc import Callable

import django_filters
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button

from courses.models import CoursePage

from .. import services
from ..forms import RevokeForm
from ..models import Certificate, CertificateExport, CertificateStatus, local_day, normalise_code


def _course_choices():
    # One entry per course, whatever its languages: certificates are per course.
    seen, choices = set(), []
    for page in CoursePage.objects.filter(issues_certificate=True).order_by("path").select_related("locale"):
        if page.translation_key not in seen:
            seen.add(page.translation_key)
            choices.append((str(page.translation_key), page.title))
    return choices


# Filters on the certificates' holders that apps above this one add (the site shell adds "school
# or agency of the holder", from `schools`, a sibling app that this one does not know): a name and
# a function making the filter.
HOLDER_FILTERS: dict[str, Callable[[], django_filters.Filter]] = {}


class CertificateFilterSet(WagtailFilterSet):
    course_key = django_filters.ChoiceFilter(label=gettext_lazy("Course"), choices=_course_choices)
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"), choices=CertificateStatus.choices, method="filter_status"
    )
    language = django_filters.ChoiceFilter(
        label=gettext_lazy("Language"), choices=Certificate._meta.get_field("language").choices
    )
    issued_at = django_filters.DateFromToRangeFilter(label=gettext_lazy("Issued"), widget=DateRangePickerWidget)

    class Meta:
        model = Certificate
        fields = ["course_key", "status", "language", "issued_at"]

    def filter_status(self, queryset, name, value):
        today = local_day()
        if value == CertificateStatus.REVOKED:
            return queryset.filter(revoked_at__isnull=False)
        if value == CertificateStatus.EXPIRED:
            return queryset.filter(revoked_at__isnull=True, expires_on__lt=today)
        return queryset.filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today), revoked_at__isnull=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, make in HOLDER_FILTERS.items():
            added = make()
            added.parent, added.model = self, self._meta.model
            self.filters[name] = added


class StatusColumn(Column):
    def get_value(self, instance):
        return instance.get_status_display()


class CertificateIndexView(IndexView):
    def search_queryset(self, queryset):
        # A code as printed (with dashes, any case) finds its certificate.
        code = normalise_code(self.search_query or "")
        if code:
            return queryset.filter(code=code)
        return super().search_queryset(queryset)

    @cached_property
    def header_more_buttons(self):
        buttons = super().header_more_buttons
        if self.user_has_permission("change"):
            buttons.append(
                Button(
                    _("Exports (ZIP)"),
                    url=reverse("certificates_admin:exports"),
                    icon_name="download",
                    priority=50,
                )
            )
        return buttons

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["export_url"] = reverse("certificates_admin:export_create") + "?" + self.request.GET.urlencode()
        context["may_export"] = self.user_has_permission("change")
        return context


class CertificateInspectView(InspectView):
    template_name = "certificates/admin/inspect.html"

    @cached_property
    def header_more_buttons(self):
        return []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_change"] = self.user_has_permission("change")
        context["revoke_form"] = RevokeForm()
        return context


class CertificateViewSet(ModelViewSet):
    model = Certificate
    icon = "doc-full-inverse"
    menu_label = gettext_lazy("Certificates")
    menu_order = 450
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = CertificateIndexView
    inspect_view_class = CertificateInspectView
    index_results_template_name = "certificates/admin/index_results.html"
    filterset_class = CertificateFilterSet
    search_fields = ["holder_name", "code", "course_title"]
    search_backend_name = None  # plain database look-ups: certificates are not in the search index
    list_display = [
        Column("display_code", label=gettext_lazy("Code")),
        Column("holder_name", label=gettext_lazy("Holder")),
        Column("course_title", label=gettext_lazy("Course")),
        Column("language", label=gettext_lazy("Language")),
        DateColumn("issued_at", label=gettext_lazy("Issued")),
        StatusColumn("status", label=gettext_lazy("Status")),
    ]
    inspect_view_fields = [
        "code",
        "holder_name",
        "course_title",
        "language",
        "issued_at",
        "expires_on",
        "revoked_at",
        "revoked_reason",
        "revoked_by",
        "pdf_rendered_at",
    ]
    form_fields = ["revoked_reason"]

    def get_common_view_kwargs(self, **kwargs):
        # Nothing is added, edited or deleted here; a row opens the certificate's page.
        return super().get_common_view_kwargs(
            **{
                "add_url_name": None,
                "delete_url_name": None,
                "edit_url_name": self.get_url_name("inspect"),
                **kwargs,
            }
        )

    def get_urlpatterns(self):
        keep = {"index", "index_results", "inspect", "usage", "history", "history_results"}
        return [pattern for pattern in super().get_urlpatterns() if pattern.name in keep]


certificate_viewset = CertificateViewSet("issued_certificates", url_prefix="certificates")


def _check_permission(request) -> None:
    if not request.user.has_perm("certificates.change_certificate"):
        raise PermissionDenied


@require_POST
def revoke(request, pk: int):
    _check_permission(request)
    certificate = get_object_or_404(Certificate, pk=pk)
    form = RevokeForm(request.POST)
    if form.is_valid():
        services.certificate_revoke(certificate=certificate, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("Certificate %(code)s is revoked.") % {"code": certificate.display_code})
    else:
        messages.error(request, _("Give a reason for revoking: the holder sees it, and it is kept here."))
    return redirect(certificate_viewset.get_url_name("inspect"), pk)


@require_POST
def regenerate(request, pk: int):
    _check_permission(request)
    certificate = get_object_or_404(Certificate, pk=pk)
    services.certificate_regenerate(certificate=certificate)
    messages.success(request, _("The PDF of %(code)s is being drawn again.") % {"code": certificate.display_code})
    return redirect(certificate_viewset.get_url_name("inspect"), pk)


def pdf(request, pk: int):
    _check_permission(request)
    certificate = get_object_or_404(Certificate, pk=pk)
    if not certificate.pdf:
        raise Http404
    return FileResponse(
        certificate.pdf.open("rb"),
        filename=f"certificate-{certificate.display_code}.pdf",
        content_type="application/pdf",
    )


@require_POST
def export_create(request):
    """A ZIP of the certificates the list shows with its current filters and search."""
    _check_permission(request)
    filters = CertificateFilterSet(request.GET, queryset=Certificate.objects.all())
    if not filters.is_valid():
        messages.error(request, _("The filters are not valid; choose them again."))
        return redirect(certificate_viewset.get_url_name("index"))
    certificates = filters.qs
    query = request.GET.get("q", "").strip()
    if normalise_code(query):
        certificates = certificates.filter(code=normalise_code(query))
    elif query:
        certificates = certificates.filter(
            Q(holder_name__icontains=query) | Q(code__icontains=query) | Q(course_title__icontains=query)
        )
    count = certificates.count()
    if not count:
        messages.warning(request, _("No certificate matches these filters: nothing to export."))
        return redirect(certificate_viewset.get_url_name("index"))
    described = ", ".join(f"{key}={value}" for key, value in request.GET.items() if value and key != "p") or _("all")
    services.export_create(requested_by=request.user, certificates=certificates, description=f"{count} · {described}")
    messages.success(request, _("The ZIP of %(count)s certificates is being built.") % {"count": count})
    return redirect("certificates_admin:exports")


def exports(request):
    _check_permission(request)
    return TemplateResponse(
        request,
        "certificates/admin/exports.html",
        {"exports": CertificateExport.objects.all()[:50], "header_icon": "download", "page_title": _("Exports")},
    )


def export_download(request, pk: int):
    _check_permission(request)
    export = get_object_or_404(CertificateExport, pk=pk, state=CertificateExport.State.READY)
    return FileResponse(export.file.open("rb"), as_attachment=True, filename=f"certificates-{export.pk}.zip")


admin_urls = [
    path("<int:pk>/revoke/", revoke, name="revoke"),
    path("<int:pk>/regenerate/", regenerate, name="regenerate"),
    path("<int:pk>/pdf/", pdf, name="pdf"),
    path("export/", export_create, name="export_create"),
    path("exports/", exports, name="exports"),
    path("exports/<int:pk>/", export_download, name="export_download"),
]
