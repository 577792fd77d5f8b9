from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sakme.linkage.models import CandidatePair, LinkRun
from sakme.registry.models import ImportBatch, SourceSystem


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[(CandidatePair.Decision.MATCH, _("Same person")),
                                          (CandidatePair.Decision.NON_MATCH, _("Different persons")),
                                          (CandidatePair.Decision.UNSURE, _("Unsure"))])
    # The decision the steward saw when the page was drawn: a decision taken meanwhile is not overwritten.
    seen = forms.CharField(required=False)


class RunForm(forms.Form):
    kind = forms.ChoiceField(label=_("What to do"), choices=[(LinkRun.Kind.RUN, _("Link sources")),
                                                             (LinkRun.Kind.DEDUPE, _("Deduplicate one source")),
                                                             (LinkRun.Kind.BATCH, _("Link a new import batch"))])
    sources = forms.ModelMultipleChoiceField(label=_("Sources"), queryset=SourceSystem.objects.order_by("rank"),
                                             to_field_name="code", widget=forms.CheckboxSelectMultiple,
                                             required=False)
    batch = forms.ModelChoiceField(label=_("Import batch (to link a new batch)"), required=False,
                                   queryset=ImportBatch.objects.filter(status=ImportBatch.Status.SUCCEEDED)
                                   .select_related("source").order_by("-created_at"))
    retrain = forms.BooleanField(label=_("Train a new model version first"), required=False)
