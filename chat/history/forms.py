from __future__ import annotations

from django import forms

from chat.languages import LANGUAGES


class HistoryQuery(forms.Form):
    """What a history page was asked to show; every field may be left out."""

    language = forms.ChoiceField(choices=list(LANGUAGES.items()), required=False)
    sort = forms.ChoiceField(
        choices=[("frequent", "Most frequent"), ("recent", "Most recent")], required=False
    )
    page = forms.IntegerField(min_value=1, required=False)


class LearnerSettingsForm(forms.Form):
    tutor_remembers = forms.BooleanField(
        label="Let the tutor remember my mistakes",
        required=False,
        help_text="When you start a conversation, your tutor is told your three most frequent "
        "mistakes of your last five conversations in that language, and helps you practise them.",
    )
