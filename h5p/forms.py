"""The editor's form for an H5P activity: the model's fields plus the .h5p file, checked in full
(see `h5p.packages`) before anything is stored."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from . import packages, services


class H5PActivityForm(WagtailAdminModelForm):
    package_file = forms.FileField(
        label=_("H5P package (.h5p)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".h5p"}),
        help_text=_(
            "The .h5p file exported from H5P with its libraries. An uploaded package runs as trusted "
            "code on this site: upload only packages from people you trust."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.checked_package: packages.CheckedPackage | None = None
        if not self.instance.pk:
            self.fields["package_file"].required = True
        else:
            self.fields["package_file"].help_text = _(
                "Leave empty to keep the current package (%(library)s), or choose a new .h5p file to replace it."
            ) % {"library": self.instance.main_library}

    def clean_package_file(self):
        upload = self.cleaned_data.get("package_file")
        if upload:
            self.checked_package = packages.check_upload(upload)
        return upload

    def save(self, commit=True):
        activity = super().save(commit=False)
        if commit:
            upload = self.cleaned_data.get("package_file")
            services.activity_save(
                activity=activity,
                package=self.checked_package,
                user=self.for_user,
                filename=getattr(upload, "name", "") if upload else "",
            )
        return activity
