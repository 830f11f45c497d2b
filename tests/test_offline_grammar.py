"""The offline checker's grammar rules: each fires on its pattern and stays quiet on the look-alikes
that are right."""

from __future__ import annotations

import pytest

from workers.offline.checker import find_issues


def found(text: str, language: str) -> list[tuple[str, str]]:
    return [
        (issue.original, issue.suggestion)
        for issue in find_issues(text, language=language, feedback_language="en")
    ]


# --- English: "he go" -------------------------------------------------------------------------


def test_a_bare_verb_after_he_or_she_takes_its_s():
    assert found("She like tea and he study a lot.", "en") == [
        ("She like", "She likes"),
        ("he study", "he studies"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Does he go to school? Why did she come?",  # an auxiliary before the subject
        "We insist that he go home.",  # a subjunctive
        "He need not worry.",  # "need" as a modal
        "He and she go to school.",  # two subjects
        "He goes to school and she went home.",
    ],
)
def test_right_verbs_after_he_and_she_are_left_alone(text):
    assert found(text, "en") == []


def test_he_after_and_is_a_second_subject_only_after_a_name_or_a_pronoun():
    assert found("Tom and he go home. I sing and he dance.", "en") == [("he dance", "he dances")]


# --- Spanish ------------------------------------------------------------------------------------


def test_yo_with_a_verb_of_el_gets_the_verb_of_yo():
    assert found("Ayer yo fue al cine. Yo no tiene tiempo. Yo habló con ella.", "es") == [
        ("yo fue", "yo fui"),
        ("Yo no tiene", "Yo no tengo"),
        ("Yo habló", "Yo hablé"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Mi amigo y yo fuimos al cine.",
        "Mi amigo y yo fue al cine.",  # two subjects: "fuimos", not "fui"
        "Quiere que yo tenga tiempo.",  # the subjunctive is the same for yo and él
        "Yo era feliz y yo hablo mucho.",
        "Es más alto que yo.",
        "Yo nada más quiero dormir.",  # "nada" is nothing here, not "he swims"
    ],
)
def test_yo_is_left_alone_where_its_verb_may_be_right(text):
    assert found(text, "es") == []


def test_a_singular_possessive_before_a_plural_noun_becomes_plural():
    assert found("Hablo con mi amigos y con su padres de su acciones.", "es") == [
        ("mi amigos", "mis amigos"),
        ("su padres", "sus padres"),
        ("su acciones", "sus acciones"),  # "acción": the accent goes in the plural
    ]


@pytest.mark.parametrize(
    "text",
    ["Su cumpleaños es el lunes.", "Mi casa es grande.", "Para mi hermano también.", "Mi mes."],
)
def test_a_possessive_before_a_singular_noun_is_left_alone(text):
    assert found(text, "es") == []


def test_the_pronouns_mi_and_tu_get_their_accent():
    assert found("A mi me gusta. Es para mi. Creo que tu eres mi amigo.", "es") == [
        ("mi", "mí"),
        ("mi", "mí"),
        ("tu eres", "tú eres"),
    ]


def test_a_passing_state_takes_estar():
    assert found("Hoy soy muy cansado y somos contentos.", "es") == [
        ("soy muy cansado", "estoy muy cansado"),
        ("somos contentos", "estamos contentos"),
    ]


@pytest.mark.parametrize("text", ["Es cansado trabajar tanto.", "Soy feliz.", "Soy alto."])
def test_ser_is_left_alone_where_it_is_right(text):
    assert found(text, "es") == []


def test_real_words_written_for_their_accented_twins_are_flagged():
    assert found("Quiero mas pan. Tengo 20 anos y ademas trabajo.", "es") == [
        ("mas", "más"),
        ("anos", "años"),
        ("ademas", "además"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Lo intenté, mas no pude.",  # "mas" meaning "but"
        "Escribí el guion.",  # a spelling of its own since 2010
        "El periodo de prueba.",
    ],
)
def test_words_that_are_right_without_an_accent_are_left_alone(text):
    assert found(text, "es") == []


# --- Italian ------------------------------------------------------------------------------------


def test_the_italian_article_follows_the_sound_after_it():
    assert found("Il uomo e i amici vedono il zio e i studenti.", "it") == [
        ("Il uomo", "L'uomo"),
        ("i amici", "gli amici"),
        ("il zio", "lo zio"),
        ("i studenti", "gli studenti"),
    ]


def test_a_preposition_and_an_article_join_into_one_word():
    assert found("Il libro di il ragazzo. Vado in la città e su l'isola.", "it") == [
        ("di il", "del"),
        ("in la", "nella"),
        ("su l'isola", "sull'isola"),
    ]


def test_a_before_an_article_may_be_the_verb_ha_so_both_are_offered():
    assert found("Lui a la macchina nuova.", "it") == [("a la", "alla / ha la")]


def test_e_with_an_acute_accent_becomes_the_verb_e():
    assert found("La casa é grande.", "it") == [("é", "è")]


@pytest.mark.parametrize(
    "text", ["Il libro è sul tavolo con il cane.", "Gli amici e lo zio.", "Vado a casa."]
)
def test_right_italian_articles_and_prepositions_are_left_alone(text):
    assert found(text, "it") == []


def test_me_and_te_before_a_verb_become_mi_and_ti():
    assert found("Sai che non me piace combattere. Te ha chiamato.", "it") == [
        ("me", "mi"),
        ("Te", "Ti"),
    ]


@pytest.mark.parametrize(
    "text", ["A me piace.", "Secondo me è vero.", "Me lo dice.", "Per te va bene."]
)
def test_me_and_te_after_a_preposition_or_before_lo_are_left_alone(text):
    assert found(text, "it") == []
