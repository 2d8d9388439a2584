from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.credentials import PICTURES, PICTURES_IN_SECRET, PIN_DIGITS
from accounts.names import NameField

from .models import CLASS_CODE_LENGTH, Classroom, SchoolKind, TalkAbout, normalise_code
from .provinces import Province
from .roster import CSV_COLUMNS, MAX_PASTE_CHARACTERS, too_long_message


class SchoolForm(forms.Form):
    name = NameField(label=_("Name of the school or organisation"), max_length=200)
    province = forms.ChoiceField(
        label=_("Province or city"), choices=[("", _("Choose…")), *Province.choices], required=True
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=SchoolKind.choices, initial=SchoolKind.SCHOOL, widget=forms.RadioSelect
    )


class JoinSchoolForm(forms.Form):
    code = forms.CharField(
        label=_("Staff join code"),
        max_length=20,
        help_text=_("Your school leader finds it on the school's page."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class ClassroomForm(forms.Form):
    name = NameField(label=_("Class name"), max_length=100, help_text=_("For example 7A2."))
    grade = forms.TypedChoiceField(
        label=_("Grade"), coerce=int, choices=[(grade, grade) for grade in range(1, 13)], initial=3
    )
    sign_in_kind = forms.ChoiceField(
        label=_("New pupils sign in with"),
        choices=Classroom._meta.get_field("sign_in_kind").choices,
        initial="pictures",
        widget=forms.RadioSelect,
        help_text=_("Pictures suit the youngest pupils; a four-digit PIN suits older ones."),
    )


class RosterForm(forms.Form):
    names = forms.CharField(
        label=_("Pupils' names, one a line"),
        required=False,
        max_length=MAX_PASTE_CHARACTERS,
        widget=forms.Textarea(attrs={"rows": 10, "autocomplete": "off", "spellcheck": "false"}),
        help_text=_("Only the name the class knows them by: no e-mail, phone number or birth date."),
    )
    csv_file = forms.FileField(
        label=_("Or upload a CSV file"),
        required=False,
        help_text=_("Columns: %(columns)s. Save it from your spreadsheet as “CSV UTF-8”.")
        % {"columns": ", ".join(CSV_COLUMNS)},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["names"].error_messages["max_length"] = too_long_message()

    def clean(self):
        data = super().clean()
        if not (data.get("names") or "").strip() and not data.get("csv_file"):
            raise forms.ValidationError(_("Write the pupils' names, one a line, or choose a CSV file."))
        return data


class ConsentForm(forms.Form):
    """A paper slip the teacher holds. (Online consent is given by the family itself, through
    the link on the pupil's page, never recorded by staff on their behalf.)"""

    pupil_assent = forms.BooleanField(label=_("The pupil agrees"), required=False)
    guardian_consent = forms.BooleanField(label=_("A parent or guardian agrees"), required=False)
    given_on = forms.DateField(
        label=_("Date on the slip"), widget=forms.DateInput(attrs={"type": "date"}), initial=timezone.localdate
    )

    def clean_given_on(self):
        given_on = self.cleaned_data["given_on"]
        if given_on > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return given_on

    def clean(self):
        data = super().clean()
        if not (data.get("pupil_assent") and data.get("guardian_consent")):
            raise forms.ValidationError(
                _("Tick both boxes: the pupil's agreement and a parent's or guardian's are both needed.")
            )
        return data


class BulkConsentForm(ConsentForm):
    pupils = forms.ModelMultipleChoiceField(
        label=_("Pupils whose slips you have"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    pupil_assent = forms.BooleanField(label=_("Each of these pupils agrees"), required=False)
    guardian_consent = forms.BooleanField(label=_("A parent or guardian of each agrees"), required=False)

    field_order = ["pupils", "pupil_assent", "guardian_consent", "given_on"]

    def __init__(self, *args, pupils, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pupils"].queryset = pupils
        self.fields["pupils"].label_from_instance = lambda user: user.get_display_name()
        self.fields["pupils"].error_messages["required"] = _("Tick at least one pupil.")


class AssignForm(forms.Form):
    course = forms.TypedChoiceField(label=_("Module"), coerce=int, widget=forms.RadioSelect)
    due_on = forms.DateField(
        label=_("Due on"), required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text=_("Optional.")
    )

    def __init__(self, *args, courses, **kwargs):
        super().__init__(*args, **kwargs)
        self.courses = {course.pk: course for course in courses}
        self.fields["course"].choices = [(course.pk, course.title) for course in courses]
        self.fields["course"].error_messages["invalid_choice"] = _("Choose one of the modules listed.")

    def clean_due_on(self):
        due_on = self.cleaned_data.get("due_on")
        if due_on and due_on < timezone.localdate():
            raise forms.ValidationError(_("The due date has passed: choose today or a later day."))
        return due_on


class ClassCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Class code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false", "inputmode": "text"}
        ),
        help_text=_("It is on your login card, or your teacher writes it on the board."),
    )

    def clean_code(self):
        code = normalise_code(self.cleaned_data["code"])
        if len(code) != CLASS_CODE_LENGTH:
            raise forms.ValidationError(
                _("A class code has %(length)s letters and numbers. Look at your card and try again.")
                % {"length": CLASS_CODE_LENGTH}
            )
        return code


PICTURE_CHOICES = [(key, label) for key, label in PICTURES.items()]
ORDINALS = [_("First picture"), _("Second picture"), _("Third picture")]


class PictureSecretForm(forms.Form):
    """Three pictures in order. Without JavaScript: three rows of twelve; the script turns them
    into one grid where each tap fills the next place."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for position in range(PICTURES_IN_SECRET):
            self.fields[f"picture{position + 1}"] = forms.ChoiceField(
                label=ORDINALS[position],
                choices=PICTURE_CHOICES,
                widget=forms.RadioSelect,
                error_messages={"required": _("Tap three pictures.")},
            )

    def answer(self) -> tuple[str, ...]:
        return tuple(self.cleaned_data[f"picture{position + 1}"] for position in range(PICTURES_IN_SECRET))


class PinSecretForm(forms.Form):
    pin = forms.CharField(
        label=_("Your PIN"),
        max_length=PIN_DIGITS,
        min_length=PIN_DIGITS,
        widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]*"}),
        error_messages={"min_length": _("Your PIN has four numbers."), "required": _("Type your four-number PIN.")},
    )

    def clean_pin(self):
        pin = self.cleaned_data["pin"]
        if not pin.isdigit():
            raise forms.ValidationError(_("Your PIN has only numbers."))
        return pin

    def answer(self) -> tuple[str, ...]:
        return tuple(self.cleaned_data["pin"])


# --- "I want to talk" -------------------------------------------------------------------------


class TalkForm(forms.Form):
    """A pupil's request: whom, optionally what about, and how soon. No free text."""

    adult = forms.TypedChoiceField(label=_("Who do you want to talk to?"), coerce=int, widget=forms.RadioSelect)
    about = forms.ChoiceField(
        label=_("What is it about? You do not have to say."),
        required=False,
        widget=forms.RadioSelect,
        initial="",
    )
    urgent = forms.TypedChoiceField(
        label=_("How soon?"),
        choices=[("no", _("It can wait a day or two")), ("yes", _("It is urgent: I need help soon"))],
        coerce=lambda value: value == "yes",
        initial="no",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, adults, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["adult"].choices = [
            (
                choice.adult.pk,
                _("%(name)s (school counsellor)") % {"name": choice.adult.get_display_name()}
                if choice.counsellor
                else choice.adult.get_display_name(),
            )
            for choice in adults
        ]
        if len(adults) == 1:
            self.fields["adult"].initial = adults[0].adult.pk
        self.fields["about"].choices = [("", _("I would rather not say")), *TalkAbout.choices]
