"""The offline grammar checker: what it flags, where, and in which language it explains."""

from __future__ import annotations

import itertools
from concurrent.futures import ThreadPoolExecutor

import pytest

from chat.feedback import CATEGORY_LABELS
from workers.offline import lexicon
from workers.offline.checker import analyse, correct, find_issues, summarize
from workers.offline.exercise_texts import EXERCISES, GENERAL_EXERCISES
from workers.offline.review_texts import ADVICE, COUNTS, STRENGTHS
from workers.offline.review_texts import SUMMARY as REVIEW_SUMMARY
from workers.offline.texts import EXPLANATIONS, LANGUAGE_IN, SUMMARIES
from workers.offline.tutor import TUTOR_TEXTS

LANGUAGES = ["en", "es", "de", "fr", "it", "pt"]

SPANISH_EXAMPLE = "Yo tengo un perro y el es muy bonita. Me gusta mucho la cassa."

# One text with mistakes per language, each mistake something the checker should catch.
FLAWED = {
    "en": "i think i has a apple and and a orange.",
    "es": SPANISH_EXAMPLE,
    "de": "gestern habe ich eine kleine wonung gesehen",
    "fr": "l'hopital est grand. je suis allé a l'ecole",
    "it": "ho una sorela e un fratelo.",
    "pt": "Eu gosto muito de futebol. Você fala portugues?",
}


def issues_of(text: str, language: str, feedback_language: str = "en"):
    return find_issues(text, language=language, feedback_language=feedback_language)


def test_it_flags_el_and_cassa_in_spanish_and_nothing_else():
    issues = issues_of(SPANISH_EXAMPLE, "es")

    found = [(i.start, i.end, i.original, i.suggestion) for i in issues]
    assert found == [(20, 22, "el", "él"), (56, 61, "cassa", "casa")]
    assert [i.category for i in issues] == ["accent", "spelling"]
    assert SPANISH_EXAMPLE[20:22] == "el" and SPANISH_EXAMPLE[56:61] == "cassa"


def test_it_explains_cassa_as_misspelt():
    cassa = issues_of(SPANISH_EXAMPLE, "es")[1]

    assert cassa.explanation == "“cassa” is misspelt: write “casa”."
    assert cassa.category == "spelling"


def test_it_flags_a_before_a_vowel_but_not_a_missing_full_stop_in_a_chat():
    issues = issues_of("I have a apple", "en")

    assert [(i.original, i.suggestion, i.category) for i in issues] == [("a", "an", "article")]
    assert issues[0].severity == "minor"


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("de", "Ich habe einen Hund."),
        ("fr", "J'ai un chien."),
        ("it", "Ho un cane."),
        ("pt", "Eu tenho um cachorro."),
        ("en", "I like my dog."),
        ("es", "Me gusta mi perro."),
    ],
)
def test_a_clean_sentence_has_no_issues(language, text):
    assert issues_of(text, language) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_span_quotes_the_text_exactly_and_none_overlap(language):
    text = FLAWED[language]

    issues = issues_of(text, language)

    assert issues, f"expected mistakes in {text!r}"
    for issue in issues:
        assert text[issue.start : issue.end] == issue.original
    for before, after in itertools.pairwise(issues):
        assert before.end <= after.start


@pytest.mark.parametrize("language", LANGUAGES)
def test_corrected_text_has_no_issues_left(language):
    result = analyse(text=FLAWED[language], language=language, feedback_language="en")

    assert result.corrected_text != FLAWED[language]
    assert issues_of(result.corrected_text, language) == []


def test_explanations_are_written_in_the_feedback_language():
    in_english = issues_of(SPANISH_EXAMPLE, "es", "en")
    in_german = issues_of(SPANISH_EXAMPLE, "es", "de")

    assert [i.explanation for i in in_german] != [i.explanation for i in in_english]
    assert in_german[1].explanation == "„cassa“ ist falsch geschrieben: Schreib „casa“."
    assert "Akzent" in in_german[0].explanation


@pytest.mark.parametrize("feedback_language", LANGUAGES)
def test_each_feedback_language_gets_its_own_explanations(feedback_language):
    issues = issues_of("i has a apple", "en", feedback_language)
    english = issues_of("i has a apple", "en", "en")

    assert len(issues) == len(english)
    if feedback_language != "en":
        assert all(a.explanation != b.explanation for a, b in zip(issues, english, strict=True))


def test_the_summary_counts_the_issues_in_the_feedback_language():
    issues = issues_of(SPANISH_EXAMPLE, "es")

    assert summarize(issues, feedback_language="en").startswith(
        "2 things to fix (accent, spelling). Checked offline: spelling and a few grammar rules"
    )
    assert summarize(issues, feedback_language="es").startswith(
        "2 cosas que corregir (tilde, ortografía). Revisado sin conexión"
    )


def test_correct_applies_every_suggestion():
    issues = issues_of(SPANISH_EXAMPLE, "es")

    assert correct(SPANISH_EXAMPLE, issues) == (
        "Yo tengo un perro y él es muy bonita. Me gusta mucho la casa."
    )


def test_it_accepts_spanish_verb_forms_and_plurals_the_dictionary_lacks():
    text = "Ella trabaja y ellos están cansados. Hablamos con los niños y me encantan sus libros."

    assert issues_of(text, "es") == []


def test_it_leaves_capitalised_names_mid_sentence_alone():
    assert issues_of("Ayer vi a Kevin en Sevilla con Giulia.", "es") == []
    assert issues_of("Gestern war ich mit Mehmet in Köln.", "de") == []


def test_a_misspelt_first_word_gets_one_fix_with_its_capital():
    issues = issues_of("cassa es bonita.", "es")

    assert [(i.start, i.end, i.suggestion) for i in issues] == [(0, 5, "Casa")]


def test_a_small_letter_after_a_full_stop_is_flagged():
    issues = issues_of("Tengo un perro. es muy bonito.", "es")

    assert [(i.original, i.suggestion, i.category) for i in issues] == [
        ("es", "Es", "capitalisation")
    ]


def test_abbreviations_and_ellipses_do_not_start_a_sentence():
    assert issues_of("We need fruit, e.g. apples and pears.", "en") == []
    assert issues_of("Well... maybe tomorrow.", "en") == []


def test_a_repeated_word_is_one_issue_covering_both_words():
    issues = issues_of("I like the the dog.", "en")

    assert [(i.original, i.suggestion, i.category) for i in issues] == [
        ("the the", "the", "extra_word")
    ]


def test_a_and_an_follow_the_sound_not_the_letter():
    assert issues_of("It took an hour to find a university and a euro.", "en") == []
    issues = issues_of("She is an university student with a honest face.", "en")
    assert [(i.original, i.suggestion) for i in issues] == [("an", "a"), ("a", "an")]


def test_spanish_el_as_article_is_left_alone():
    assert issues_of("El perro come y el agua está fría.", "es") == []
    issues = issues_of("Voy al cine con el. El trabaja mucho.", "es")
    assert [(i.original, i.suggestion) for i in issues] == [("el", "él"), ("El", "Él")]


def test_french_words_after_an_elision_are_checked_on_their_own():
    text = "J'aime l'hopital."

    issues = issues_of(text, "fr")

    assert [(i.start, i.end, i.original, i.suggestion) for i in issues] == [
        (9, 16, "hopital", "hôpital")
    ]


def test_numbers_acronyms_and_links_are_not_spell_checked():
    assert issues_of("Tengo 3 gatos, un USB y la web www.ejemplo.com es buena.", "es") == []


def test_it_loads_each_dictionary_once_when_used_from_many_threads(monkeypatch):
    loads = []
    real_load = lexicon._load

    def counting_load(language):
        loads.append(language)
        return real_load(language)

    monkeypatch.setattr(lexicon, "_lexicons", {})
    lexicon.is_known.cache_clear()
    lexicon.corrections.cache_clear()
    monkeypatch.setattr(lexicon, "_load", counting_load)
    jobs = [(FLAWED[language], language) for language in ("es", "it", "es", "it", "es", "it")]

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(lambda job: issues_of(*job), jobs))

    assert sorted(loads) == ["en", "es", "it"]  # "en" tells loanwords from misspellings
    assert results[0] == results[2] == results[4]
    assert results[1] == results[3] == results[5]


def test_every_text_exists_in_all_six_feedback_languages():
    tables = [LANGUAGE_IN, *CATEGORY_LABELS.values(), *EXPLANATIONS.values(), *SUMMARIES.values()]
    tables += [*ADVICE.values(), *COUNTS.values(), *STRENGTHS.values(), *REVIEW_SUMMARY.values()]
    tables += [texts for exercise in EXERCISES.values() for texts in exercise.values()]
    tables += GENERAL_EXERCISES

    for table in tables:
        assert sorted(table) == sorted(LANGUAGES)
    assert sorted(TUTOR_TEXTS) == sorted(LANGUAGES)


def test_a_missing_accent_is_found_in_forms_the_word_lists_lack():
    issues = issues_of("Tengo nueve tias y seis tios.", "es")

    assert [(i.original, i.suggestion) for i in issues] == [("tias", "tías"), ("tios", "tíos")]


def test_an_accent_beats_a_rare_double_letter_but_a_tie_is_no_fix():
    assert [(i.original, i.suggestion) for i in issues_of("La citta è bella.", "it")] == [
        ("citta", "città")
    ]
    # "Damen" (one m too many) or "dämmen" (umlaut missing): not for us to pick.
    assert [i.suggestion for i in issues_of("Sehr geehrte Dammen und Herren", "de")] == ["?"]


def test_a_guess_that_changes_the_ending_or_the_first_letter_is_not_taught():
    # "felici" or "felice"? "manchino" or "panchina"? Only the sentence knows.
    issues = issues_of("Lo studente era felicio, seduto su un panchino.", "it")

    assert [(i.original, i.suggestion) for i in issues] == [("felicio", "?"), ("panchino", "?")]


def test_a_slip_at_the_end_that_is_no_ending_is_still_fixed():
    assert [i.suggestion for i in issues_of("Die Wahrheid ist einfach.", "de")] == ["Wahrheit"]


def test_a_german_umlaut_the_learner_wrote_is_not_taken_away_as_a_sure_fix():
    issues = issues_of("Das ist eine Gefähr für alle.", "de")

    assert [i.suggestion for i in issues] != ["Gefahr"]


def test_a_capitalised_name_mid_sentence_gets_only_an_accent_that_keeps_it_a_name():
    issues = issues_of("Fui a Mexico y a Frances.", "es")

    assert [(i.original, i.suggestion) for i in issues] == [("Mexico", "México")]


def test_a_rare_english_word_does_not_hide_a_misspelling():
    # "liber" is English, but rare; "crime" is common English: a switch of language.
    assert [i.suggestion for i in issues_of("Liber Ingo, wie geht es?", "de")] == ["Lieber"]
    assert issues_of("Das ist ein crime.", "de") == []


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("fr", "Les Etats sont grands."),  # French capitals often go without their accent
        ("fr", "Ces deux écozones sont belles."),  # a prefix on a known word
        ("it", "Aveva un viso furiosissimo!"),  # a superlative
        ("es", "No quería lastimarlo."),  # pronouns on a verb
        ("en", "He is an orthopaedic surgeon."),  # British spelling
        ("fr", "iii) La taxe foncière."),  # a list marker, not a sentence in small letters
        ("it", "«Ma che?» ha risposto la donna."),  # a quoted question does not end a sentence
    ],
)
def test_right_words_that_dictionaries_miss_are_left_alone(language, text):
    assert issues_of(text, language) == []


def test_a_word_with_one_unsure_candidate_shows_no_candidate():
    # A lone candidate would read as the fix.
    result = analyse(text="Era felicio.", language="it", feedback_language="en")

    assert [(u.original, u.candidates) for u in result.unsure] == [("felicio", [])]
    assert result.edits == []


def test_words_written_with_a_wrong_accent_or_apostrophe_are_listed_fixes():
    issues = issues_of("Qual'è il problema? Cè un pò di pane.", "it")

    assert [(i.original, i.suggestion) for i in issues] == [
        ("Qual'è", "Qual è"),
        ("Cè", "C'è"),
        ("pò", "po'"),
    ]


def test_a_name_written_twice_is_no_repeated_word():
    assert issues_of("A porta-voz, Dee Dee Myers, falou.", "pt") == []
