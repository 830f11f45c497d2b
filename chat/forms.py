from django import forms

from chat.languages import LANGUAGES, LEVELS


class NewConversationForm(forms.Form):
    language = forms.ChoiceField(label="Language to practise", choices=list(LANGUAGES.items()))
    feedback_language = forms.ChoiceField(
        label="Language for explanations", choices=list(LANGUAGES.items()), initial="en"
    )
    level = forms.ChoiceField(
        label="Your level",
        choices=[(code, f"{code} — {text}") for code, text in LEVELS.items()],
        initial="A2",
    )
