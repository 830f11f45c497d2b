"""The offline "local" model, driven through real pydantic-ai agents as the workers drive it."""

from __future__ import annotations

import asyncio

import pytest
from pydantic_ai import Agent

from workers.offline import build_local_model
from workers.offline.model import STREAM_DELAY_VARIABLE, stream_delay, words_of
from workers.offline.review import build_review
from workers.offline.tutor import TUTOR_TEXTS, tutor_reply
from workers.prompts import analysis_prompt, review_prompt, tutor_instructions
from workers.schemas import ConversationReviewResult, GrammarCorrection

SPANISH_EXAMPLE = "Yo tengo un perro y el es muy bonita. Me gusta mucho la cassa."


@pytest.fixture(autouse=True)
def no_stream_delay(monkeypatch):
    monkeypatch.setenv(STREAM_DELAY_VARIABLE, "0")


def spanish_analysis_prompt(feedback_language: str = "en") -> str:
    return analysis_prompt(
        text=SPANISH_EXAMPLE, language="es", feedback_language=feedback_language, level="A2"
    )


def review_messages() -> list[dict]:
    return [
        {
            "text": SPANISH_EXAMPLE,
            "issues": [
                {
                    "original": "el",
                    "suggestion": "él",
                    "category": "spelling",
                    "explanation": "Tilde.",
                    "severity": "moderate",
                },
                {
                    "original": "cassa",
                    "suggestion": "casa",
                    "category": "spelling",
                    "explanation": "Ortografía.",
                    "severity": "moderate",
                },
            ],
        },
        {"text": "Me gusta mi perro.", "issues": []},
        {
            "text": "hablo con mi hermana cada dia",
            "issues": [
                {
                    "original": "hablo",
                    "suggestion": "Hablo",
                    "category": "capitalisation",
                    "explanation": "Mayúscula.",
                    "severity": "minor",
                },
            ],
        },
    ]


def test_the_model_is_called_local():
    assert build_local_model().model_name == "local"


def test_an_analysis_agent_gets_the_correction_through_its_output_tool():
    agent = Agent(build_local_model(), output_type=GrammarCorrection)

    result = agent.run_sync(spanish_analysis_prompt()).output

    assert [(e.original, e.correction, e.category) for e in result.edits] == [
        ("el", "él", "accent"),
        ("cassa", "casa", "spelling"),
    ]
    assert result.corrected_text == "Yo tengo un perro y él es muy bonita. Me gusta mucho la casa."
    assert result.summary.startswith("2 things to fix (accent, spelling). Checked offline")


def test_the_analysis_explains_in_the_feedback_language_of_the_prompt():
    agent = Agent(build_local_model(), output_type=GrammarCorrection)

    result = agent.run_sync(spanish_analysis_prompt("de")).output

    assert result.edits[1].explanation == "„cassa“ ist falsch geschrieben: Schreib „casa“."
    assert result.summary.startswith("2 Dinge zu verbessern (Akzent, Rechtschreibung). Offline")


def test_a_clean_offline_check_says_what_it_checked_and_never_praises():
    agent = Agent(build_local_model(), output_type=GrammarCorrection)
    prompt = analysis_prompt(
        text="Me gusta mi perro.", language="es", feedback_language="en", level="A2"
    )

    result = agent.run_sync(prompt).output

    assert result.edits == []
    assert "well done" not in result.summary.lower()
    assert "Spelling and a few rules checked offline" in result.summary
    assert "connected AI model" in result.summary


def test_a_streamed_analysis_gives_the_same_result_as_a_plain_one():
    agent = Agent(build_local_model(), output_type=GrammarCorrection)

    async def streamed() -> GrammarCorrection:
        async with agent.run_stream(spanish_analysis_prompt()) as run:
            return await run.get_output()

    assert asyncio.run(streamed()) == agent.run_sync(spanish_analysis_prompt()).output


def test_the_tutor_streams_its_reply_in_several_chunks():
    agent = Agent(build_local_model(), instructions=tutor_instructions(language="it", level="A2"))

    async def chunks() -> list[str]:
        async with agent.run_stream("Ciao! Mi chiamo Luca e abito a Roma.") as run:
            return [chunk async for chunk in run.stream_text(delta=True, debounce_by=None)]

    received = asyncio.run(chunks())

    assert len(received) > 1
    assert "".join(received) == tutor_reply(
        learner_text="Ciao! Mi chiamo Luca e abito a Roma.", language="it", level="A2", turn=1
    )


def test_the_tutor_answers_in_the_conversation_language_and_level():
    agent = Agent(build_local_model(), instructions=tutor_instructions(language="de", level="B2"))

    reply = agent.run_sync("Ich wohne in Berlin.").output

    assert reply.startswith("Hallo! Ich bin ein einfacher Offline-Tutor")
    assert "„Ich wohne in Berlin“" in reply
    assert reply.endswith(tuple(TUTOR_TEXTS["de"].open))  # B2 gets the open questions


def test_only_the_first_reply_says_it_is_an_offline_tutor():
    agent = Agent(build_local_model(), instructions=tutor_instructions(language="en", level="A1"))

    first = agent.run_sync("Hello, I am Ana.")
    second = agent.run_sync("I like cats.", message_history=first.all_messages())

    assert "offline tutor" in first.output
    assert "offline tutor" not in second.output
    assert "“I like cats”" in second.output


def test_consecutive_replies_ask_different_questions():
    replies = [
        tutor_reply(learner_text="Me gusta el cine.", language="es", level="A1", turn=turn)
        for turn in range(1, 5)
    ]

    questions = [reply.rsplit("¿", 1)[-1] for reply in replies]
    assert len(set(questions)) == 4


def test_a_review_agent_gets_a_review_in_the_feedback_language():
    agent = Agent(build_local_model(), output_type=ConversationReviewResult)
    prompt = review_prompt(
        messages=review_messages(), language="es", feedback_language="en", level="A2"
    )

    review = agent.run_sync(prompt).output

    assert [issue.title for issue in review.recurring_issues] == ["Spelling", "Capital letters"]
    assert review.recurring_issues[0].examples == [
        "Yo tengo un perro y el es muy bonita.",
        "Me gusta mucho la cassa.",
    ]
    assert 3 <= len(review.exercises) <= 5
    assert "casa" in review.exercises[0]
    # A message the offline check marked nothing in is not counted as correct.
    assert not any("without mistakes" in strength for strength in review.strengths)
    assert review.estimated_level is None
    assert review.summary.startswith("You wrote 3 messages")
    assert "does not estimate your level" in review.summary


def test_a_streamed_review_gives_the_same_result_as_a_plain_one():
    agent = Agent(build_local_model(), output_type=ConversationReviewResult)
    prompt = review_prompt(
        messages=review_messages(), language="es", feedback_language="fr", level="A2"
    )

    async def streamed() -> ConversationReviewResult:
        async with agent.run_stream(prompt) as run:
            return await run.get_output()

    review = asyncio.run(streamed())

    assert review == agent.run_sync(prompt).output
    assert review.recurring_issues[0].title == "Orthographe"


def test_review_examples_are_quoted_verbatim_from_the_learner():
    review = build_review(
        {"language": "es", "feedback_language": "es", "level": "A2", "messages": review_messages()}
    )

    texts = [message["text"] for message in review_messages()]
    for issue in review.recurring_issues:
        assert issue.examples
        assert all(any(example in text for text in texts) for example in issue.examples)
    assert review.recurring_issues[0].title == "Ortografía"


def test_an_empty_conversation_still_gets_three_to_five_exercises():
    review = build_review(
        {"language": "pt", "feedback_language": "it", "level": "B1", "messages": []}
    )

    assert 3 <= len(review.exercises) <= 5
    assert review.recurring_issues == []
    assert review.strengths
    assert review.estimated_level is None
    assert "portoghese" in review.exercises[0]


def test_the_tutor_answers_a_question_it_can_and_never_praises():
    reply = tutor_reply(learner_text="¿Cómo te llamas?", language="es", level="A1", turn=2)
    other = tutor_reply(
        learner_text="¿Qué opinas de la política?", language="es", level="A1", turn=2
    )
    echoes = [
        tutor_reply(learner_text=text, language="en", level="A1", turn=turn)
        for turn, text in enumerate(["He go to school.", "I has a apple.", "Me like it."], 2)
    ]

    assert "Me llamo Findus" in reply
    assert "sin conexión" in other and "Buena pregunta" not in other
    for echo in echoes:
        assert not any(word in echo.lower() for word in ("nice", "interesting", "well done"))


def test_streamed_words_join_back_into_the_reply():
    reply = "Hola, ¿qué tal?  Muy bien.\nY tú"

    assert "".join(words_of(reply)) == reply
    assert words_of(reply)[:3] == ["Hola, ", "¿qué ", "tal?  "]


def test_the_stream_delay_is_read_from_the_environment_on_each_call(monkeypatch):
    monkeypatch.setenv(STREAM_DELAY_VARIABLE, "0.5")
    assert stream_delay() == 0.5
    monkeypatch.delenv(STREAM_DELAY_VARIABLE)
    assert stream_delay() == 0.03


@pytest.mark.parametrize("value", ["fast", "-1", "nan"])
def test_a_bad_stream_delay_fails_loudly(monkeypatch, value):
    monkeypatch.setenv(STREAM_DELAY_VARIABLE, value)

    with pytest.raises(ValueError, match=STREAM_DELAY_VARIABLE):
        stream_delay()


def test_a_review_drills_no_unsure_word_as_the_right_form():
    job = {
        "task": "review",
        "language": "en",
        "feedback_language": "en",
        "level": "B1",
        "messages": [
            {
                "text": "He go to school and I writed a leter.",
                "issues": [
                    {"original": "He go", "suggestion": "He went / He goes",
                     "category": "verb_form", "explanation": ".", "severity": "moderate"},
                    {"original": "leter", "suggestion": "?", "category": "spelling",
                     "explanation": ".", "severity": "moderate"},
                ],
            }
        ],
    }  # fmt: skip

    review = build_review(job)

    drilled = " ".join(review.exercises + [i.explanation for i in review.recurring_issues])
    assert "He went / He goes" not in drilled
    assert "“?”" not in drilled and "→ ?" not in drilled and ": ." not in drilled
