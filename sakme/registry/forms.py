from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sakme.geo.models import Municipality
from sakme.registry.importing.mapping import mapping_presets
from sakme.registry.models import Sex, SourceSystem
from sakme.registry.search_query import BORN_HELP, born_from


class SearchForm(forms.Form):
    """The search box, and the filters beside it (what the box may also say: "beridze giorgi 1987 telavi")."""

    q = forms.CharField(label=_("Personal number or name"), max_length=100, required=False)
    born = forms.CharField(label=_("Born"), max_length=10, required=False,
                           widget=forms.TextInput(attrs={"placeholder": _("year or date"), "size": 10}))
    municipality = forms.ModelChoiceField(label=_("Municipality"), queryset=Municipality.objects.all(),
                                          to_field_name="code", required=False, empty_label=_("any municipality"))
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", _("either sex")), *Sex.choices], required=False)

    def clean_born(self) -> str:
        born = self.cleaned_data["born"].strip()
        if born and born_from(born) is None:
            raise forms.ValidationError(BORN_HELP)
        return born

    def filters(self) -> dict[str, object]:
        return {name: self.cleaned_data.get(name) for name in ("born", "municipality", "sex")}


class RevealForm(forms.Form):
    reason = forms.CharField(label=_("Why do you need the whole number?"), max_length=200,
                             help_text=_("e.g. checking it against the ID card the person showed. It is logged."))


class EmergencyAccessForm(forms.Form):
    personal_number = forms.CharField(label=_("Personal number (all 11 digits)"), max_length=20)
    reason = forms.CharField(label=_("Why do you need this person's record?"), max_length=200,
                             help_text=_("e.g. the person came to our office from another municipality. It is "
                                         "logged, and the person's unit head is told."))


class ImportForm(forms.Form):
    source = forms.ModelChoiceField(label=_("Source system"), queryset=SourceSystem.objects.order_by("rank"),
                                    to_field_name="code", empty_label=None)
    file = forms.FileField(label=_("File (CSV or XLSX)"))
    preset = forms.ChoiceField(label=_("Column mapping"), required=False,
                               help_text=_("A saved mapping, or write one below."))
    columns = forms.CharField(label=_("Or columns, as column=field pairs"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("e.g. piradi_nomeri=personal_number, saxeli=given_name, gvari=family_name"))
    all_or_nothing = forms.BooleanField(label=_("Write all rows or none (recommended)"), required=False,
                                        initial=True)
    header_row = forms.IntegerField(label=_("Row of the column names"), required=False, min_value=1,
                                    help_text=_("Only when the file has more than a title or blank rows above them: "
                                                "otherwise the row is found from the mapping."))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        presets = [("", _("— columns named like sakme's fields —")), *((p, p) for p in mapping_presets())]
        self.fields["preset"].choices = presets  # type: ignore[attr-defined]

