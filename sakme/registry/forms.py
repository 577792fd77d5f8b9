from __future__ import annotations

from pathlib import Path

from django import forms
from django.utils.translation import gettext_lazy as _

from sakme.common.errors import DomainError
from sakme.registry.importing.mapping import Mapping, load_mapping_file, parse_map_option
from sakme.registry.models import SourceSystem

MAPPINGS_DIR = Path(__file__).parent / "mappings"


def mapping_presets() -> list[tuple[str, str]]:
    """Mapping files shipped with sakme, by name."""
    return [(p.stem, p.stem) for p in sorted(MAPPINGS_DIR.glob("*.toml"))]


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Personal number or name"), max_length=100, required=False)


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

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        presets = [("", _("— columns named like sakme's fields —")), *mapping_presets()]
        self.fields["preset"].choices = presets  # type: ignore[attr-defined]

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in {".csv", ".txt", ".tsv", ".xlsx"}:
            raise forms.ValidationError(_("Upload a CSV (.csv, .txt, .tsv) or an Excel workbook (.xlsx)."))
        return upload

    def mapping(self) -> Mapping | None:
        """The mapping chosen or written; None means "headers named like the fields"."""
        try:
            if self.cleaned_data.get("columns"):
                return parse_map_option(self.cleaned_data["columns"].replace("\n", ","))
            if self.cleaned_data.get("preset"):
                return load_mapping_file(MAPPINGS_DIR / f"{self.cleaned_data['preset']}.toml")
        except DomainError as exc:
            self.add_error("columns", str(exc))
        return None
