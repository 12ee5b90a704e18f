"""Forms of licence readings: the upload, and the enterprise create form confirmed from a
reading. They parse input; the services decide (the register's own validation, the rule of the
uncertain credit code)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from parkflow.core.forms import StyledForm
from parkflow.enterprises.forms import DateInput, EnterpriseCreateForm, PortalApplicationForm
from parkflow.org.models import OrgUnit

from . import mapping


class LicenceUploadForm(StyledForm):
    """A photo, scan or PDF e-licence (电子营业执照) of a business licence; the service checks
    the file with the qualification documents' rules."""

    park = forms.ModelChoiceField(
        label=_("园区"), queryset=OrgUnit.objects.none(), empty_label=_("请选择园区")
    )
    file = forms.FileField(
        label=_("营业执照"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf"}),
    )

    def __init__(self, *args, parks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["park"].queryset = parks
        # One park: nothing to choose (the page does not show the select).
        self.single_park = parks[0] if len(parks) == 1 else None
        if self.single_park is not None and not self.is_bound:
            self.fields["park"].initial = self.single_park.pk


class LicenceConfirmForm(EnterpriseCreateForm):
    """The register's create form (the same fields and, in the service, the same validation),
    pre-filled from a reading, with what a licence adds: the person's confirmation of an
    uncertain credit code and the licence's validity (营业期限)."""

    credit_code_confirmed = forms.BooleanField(
        label=_("已对照执照原件核对统一社会信用代码"), required=False
    )
    licence_valid_from = forms.DateField(label=_("营业期限自"), required=False, widget=DateInput())
    licence_valid_until = forms.DateField(label=_("营业期限至"), required=False, widget=DateInput())
    licence_long_term = forms.BooleanField(label=_("长期"), required=False)

    LICENCE_FIELDS = (
        "credit_code_confirmed",
        "licence_valid_from",
        "licence_valid_until",
        "licence_long_term",
    )

    def register_fields(self) -> list[str]:
        """The register's own fields of this form (what ``enterprise_create`` takes)."""
        return [name for name in self.fields if name not in ("park", *self.LICENCE_FIELDS)]

    def licence_field_names(self) -> list[str]:
        """The register fields a licence fills, in the licence's order (those the form has)."""
        return list(mapping.register_fields(available=self.fields).values())

    def other_field_names(self) -> list[str]:
        filled = set(self.licence_field_names())
        return [name for name in self.register_fields() if name not in filled]

    def service_arguments(self) -> dict:
        """``enterprise_register_from_licence``'s keyword arguments from the cleaned data:
        长期 is the document's 2099-12-31 (intake's convention)."""
        data = self.cleaned_data
        until = (
            mapping.LONG_TERM_UNTIL if data["licence_long_term"] else data["licence_valid_until"]
        )
        return {
            "park": data["park"],
            "credit_code_confirmed": data["credit_code_confirmed"],
            "licence_valid_from": data["licence_valid_from"],
            "licence_valid_until": until,
            **{name: data[name] for name in self.register_fields()},
        }


class PortalLicenceUploadForm(StyledForm):
    """上传营业执照自动识别 on the public apply page: one photo (the phone's camera) or file."""

    file = forms.FileField(
        label=_("营业执照"),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/*,application/pdf", "capture": "environment"}
        ),
    )


class PortalLicenceApplicationForm(PortalApplicationForm):
    """The public application form pre-filled from the applicant's licence reading, with what a
    licence adds (the confirmation of an uncertain credit code, 营业期限). The service decides."""

    credit_code_confirmed = forms.BooleanField(
        label=_("已对照执照原件核对统一社会信用代码"), required=False
    )
    licence_valid_from = forms.DateField(label=_("营业期限自"), required=False, widget=DateInput())
    licence_valid_until = forms.DateField(label=_("营业期限至"), required=False, widget=DateInput())
    licence_long_term = forms.BooleanField(label=_("长期"), required=False)

    def service_arguments(self) -> dict:
        """``portal_application_from_licence``'s keyword arguments (长期 → 2099-12-31)."""
        data = self.cleaned_data
        until = (
            mapping.LONG_TERM_UNTIL if data["licence_long_term"] else data["licence_valid_until"]
        )
        return {
            "park": data["park"],
            "username": data["username"],
            "password": data["password"],
            "password_confirm": data["password_confirm"],
            "email": data["email"],
            "credit_code_confirmed": data["credit_code_confirmed"],
            "licence_valid_from": data["licence_valid_from"],
            "licence_valid_until": until,
            **{name: data[name] for name in self.ENTERPRISE_FIELDS},
        }
